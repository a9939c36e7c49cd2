import { randomUUID } from 'node:crypto';
import { BatchContract, contracts } from '@gx/chaincode';
import type { BatchCommand } from '@gx/schema';
import type { CommittedTransaction, Ledger } from '../ledger.js';

const injectType = 'INJECT_EVENT';

type Context = Parameters<BatchContract['ApplyCommands']>[0];

interface Injection {
  commandId: string;
  type: string;
  args: { name: string; payload: string };
}

/**
 * The real `BatchContract`, except that a batch whose first entry is an injection sets the event it
 * names, verbatim, and changes nothing else: how tests put on the ledger an event the chaincode
 * never sets (a wrong shape, an unknown name, bytes that are not JSON).
 */
class EventInjectingBatchContract extends BatchContract {
  override async ApplyCommands(ctx: Context, commandsJson: string): Promise<string> {
    const entries = JSON.parse(commandsJson) as Injection[];
    const first = entries[0];
    if (first?.type !== injectType) return super.ApplyCommands(ctx, commandsJson);
    ctx.stub.setEvent(first.args.name, Buffer.from(first.args.payload, 'utf8'));
    return JSON.stringify({
      results: entries.map((entry) => ({ commandId: entry.commandId, outcome: 'ALREADY_APPLIED' })),
    });
  }
}

/** The chaincode's contracts with the injecting batch contract: pass as devnet's `contracts`. */
export const eventInjectingContracts = contracts.map((contract) =>
  contract === BatchContract ? EventInjectingBatchContract : contract,
);

/** Commits a transaction whose chaincode event is `name` with `payload` (needs `eventInjectingContracts`). */
export async function injectEvent(
  ledger: Ledger,
  name: string,
  payload: string,
): Promise<CommittedTransaction> {
  // two entries, so the client calls BatchContract:ApplyCommands rather than a single function
  const entries = [0, 1].map(
    (): Injection => ({ commandId: randomUUID(), type: injectType, args: { name, payload } }),
  ) as unknown as BatchCommand[];
  const prepared = await ledger.prepare(entries);
  return ledger.submitPrepared(prepared.envelope);
}
