import { sql } from 'drizzle-orm';
import { type Executor, leaseFence, list } from './executor.js';

/**
 * A transaction invalidated at commit (MVCC): it is dead. Its commands go back to RETRYING
 * without an attempt counted, still claimed, to be endorsed again in a new transaction.
 */
export async function markConflict(
  db: Executor,
  input: { workerId: string; transactionId: string; validationCode: number; commandIds: readonly string[] },
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`
      update ledger_transactions set status = 'INVALID', validation_code = ${input.validationCode}, updated_at = now()
       where tx_id = ${input.transactionId}`);
    await tx.execute(sql`
      update commands set status = 'RETRYING', updated_at = now()
       where id in ${list(input.commandIds)}
         and ${leaseFence(input.workerId, 'RETRYING')}`);
  });
}
