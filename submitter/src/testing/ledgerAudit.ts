import { genesis, type Ledger, type LedgerEvent } from '@gx/fabric';
import { CommandsApplied, domainEventNames } from '@gx/schema';

export interface AppliedCommand {
  commandId: string;
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: Record<string, unknown>;
}

/**
 * Every command applied on the ledger, in ledger order, read from the chaincode events of valid
 * transactions (a batch's `CommandsApplied` unpacked). A command applied twice appears twice.
 */
export async function appliedCommands(
  ledger: Ledger,
  expectedAtLeast: number,
  timeoutMs = 30_000,
): Promise<AppliedCommand[]> {
  const events = ledger.events(genesis);
  const applied: AppliedCommand[] = [];
  const deadline = Date.now() + timeoutMs;
  try {
    const iterator = events[Symbol.asyncIterator]();
    for (;;) {
      // Once enough are seen, keep reading until the stream goes quiet, so a duplicate would show.
      const wait = applied.length >= expectedAtLeast ? 500 : Math.max(0, deadline - Date.now());
      const next = await Promise.race([
        iterator.next(),
        new Promise<'quiet'>((resolve) => setTimeout(resolve, wait, 'quiet')),
      ]);
      if (next === 'quiet' || next.done) break;
      applied.push(...unpack(next.value));
    }
  } finally {
    events.close();
  }
  return applied;
}

function unpack(event: LedgerEvent): AppliedCommand[] {
  const json = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Record<string, unknown>;
  const at = { blockNumber: event.blockNumber, transactionId: event.transactionId };
  if (event.eventName === 'CommandsApplied') {
    return CommandsApplied.parse(json)
      .results.filter((r) => r.outcome === 'APPLIED')
      .map((r) => ({
        ...at,
        commandId: r.commandId,
        eventName: r.outcome === 'APPLIED' ? r.event.name : '',
        payload: r.outcome === 'APPLIED' ? (r.event.payload as Record<string, unknown>) : {},
      }));
  }
  if ((domainEventNames as string[]).includes(event.eventName)) {
    return [{ ...at, commandId: String(json.commandId), eventName: event.eventName, payload: json }];
  }
  return [];
}
