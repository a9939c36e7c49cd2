import { notifyCommands } from '@gx/db';
import { sql } from 'drizzle-orm';
import { type Executor, leaseFence, list } from './executor.js';

/** A recorded transaction not found on the ledger goes out again, the same envelope: SUBMITTED again. */
export async function markResubmitted(
  db: Executor,
  input: { workerId: string; transactionId: string; commandIds: readonly string[] },
): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.execute<{ id: string }>(sql`
      update commands set status = 'SUBMITTED', updated_at = now()
       where id in ${list(input.commandIds)}
         and ledger_tx_id = ${input.transactionId}
         and ${leaseFence(input.workerId, 'SUBMITTED')}
      returning id`);
    await notifyCommands(
      tx,
      rows.map((r) => r.id),
    );
  });
}
