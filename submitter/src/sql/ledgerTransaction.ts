import { sql } from 'drizzle-orm';
import type { Executor } from './executor.js';

/** The signed envelope of a recorded transaction, to look up or resubmit after a fault. */
export async function loadEnvelope(db: Executor, transactionId: string): Promise<Uint8Array | undefined> {
  const [row] = await db.execute<{ envelope: Uint8Array }>(sql`
    select envelope from ledger_transactions where tx_id = ${transactionId}`);
  return row?.envelope;
}
