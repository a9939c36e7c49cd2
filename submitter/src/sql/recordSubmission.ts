import { notifyCommands } from '@gx/db';
import { allowedFrom } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type Executor, list } from './executor.js';

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * Records a signed transaction before its first submission and marks its commands SUBMITTED,
 * in one transaction: after a crash the same envelope is found and resubmitted or looked up.
 * Fenced by the lease: if another worker took any of the commands, nothing is written.
 */
export async function recordSubmission(
  db: Executor,
  input: { workerId: string; transactionId: string; envelope: Uint8Array; commandIds: readonly string[] },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      insert into ledger_transactions (tx_id, envelope, status, command_count)
      values (${input.transactionId}, ${Buffer.from(input.envelope)}, 'SUBMITTED', ${input.commandIds.length})`);
    const updated = await tx.execute(sql`
      update commands
         set status = 'SUBMITTED', ledger_tx_id = ${input.transactionId},
             submitted_at = coalesce(submitted_at, now()), updated_at = now(),
             error_code = null, error_message = null
       where id in ${list(input.commandIds)}
         and locked_by = ${input.workerId}
         and status in ${list(allowedFrom('submitter', 'SUBMITTED'))}
      returning id`);
    if (updated.length !== input.commandIds.length) {
      throw new LeaseLostError(
        `${input.commandIds.length - updated.length} command(s) no longer held by ${input.workerId}`,
      );
    }
    await notifyCommands(tx, input.commandIds);
  });
}
