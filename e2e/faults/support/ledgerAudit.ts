import { connectLedger, genesis, type LedgerEvent } from '@gx/fabric';
import { createLogger } from '@gx/runtime';
import { batchEventName, CommandsApplied, DomainEventSchema, domainEvents } from '@gx/schema';

/** What the ledger says about each command id, read from block 0. */
export interface LedgerAudit {
  events: number;
  lastBlock: bigint;
  /** Per command id: how many times it was APPLIED (must be at most once) and REJECTED. */
  outcomes: Map<string, { applied: number; rejected: number; alreadyApplied: number }>;
  /** The sum of every applied mint (a transfer without a sender). */
  minted: bigint;
}

/**
 * Reads every chaincode event from block 0 with the real Fabric client (through `@gx/fabric`'s
 * Ledger, the same client the services use) and counts each command id's outcomes: single-function
 * events and the entries of `CommandsApplied` batches alike. A Fabric event stream never ends, so
 * the read stops once no event has come for `quietMs`: call it when the load has stopped.
 */
export async function auditLedger(connectionDir: string, quietMs = 3_000): Promise<LedgerAudit> {
  const logger = createLogger({ service: 'faults-audit', level: 'warn', format: 'json' });
  const ledger = await connectLedger({ folder: connectionDir, logger });
  const audit: LedgerAudit = { events: 0, lastBlock: 0n, outcomes: new Map(), minted: 0n };
  const stream = ledger.events(genesis);
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<'quiet'>((resolve) => {
        timer = setTimeout(() => resolve('quiet'), quietMs);
      });
      const next = await Promise.race([iterator.next(), quiet]);
      clearTimeout(timer);
      if (next === 'quiet' || next.done) break;
      record(audit, next.value);
    }
  } finally {
    stream.close();
    ledger.close();
  }
  return audit;
}

function record(audit: LedgerAudit, event: LedgerEvent): void {
  audit.events++;
  audit.lastBlock = event.blockNumber;
  const payload: unknown = JSON.parse(Buffer.from(event.payload).toString('utf8'));
  const count = (commandId: string, outcome: 'applied' | 'rejected' | 'alreadyApplied') => {
    const counts = audit.outcomes.get(commandId) ?? { applied: 0, rejected: 0, alreadyApplied: 0 };
    counts[outcome]++;
    audit.outcomes.set(commandId, counts);
  };
  const applied = (name: string, body: unknown) => {
    const domainEvent = DomainEventSchema.parse({ name, payload: body });
    count(domainEvent.payload.commandId, 'applied');
    if (domainEvent.name === 'TransferCompleted' && domainEvent.payload.fromWalletId === null) {
      audit.minted += BigInt(domainEvent.payload.amount);
    }
  };
  if (event.eventName === batchEventName) {
    for (const result of CommandsApplied.parse(payload).results) {
      if (result.outcome === 'APPLIED') applied(result.event.name, result.event.payload);
      else count(result.commandId, result.outcome === 'REJECTED' ? 'rejected' : 'alreadyApplied');
    }
  } else if (event.eventName in domainEvents) {
    applied(event.eventName, payload);
  } else {
    throw new Error(`block ${event.blockNumber}: an event the contracts do not define: ${event.eventName}`);
  }
}
