import { credentials, type DbTransaction } from '@gx/db';
import { sql } from 'drizzle-orm';
import { uuidArray } from './uuidArray.js';

/** A REGISTER the ledger refused frees its e-mail: its credentials row goes (ids of other commands match nothing). */
export async function freeEmails(tx: DbTransaction, rejectedCommandIds: readonly string[]): Promise<void> {
  if (rejectedCommandIds.length === 0) return;
  await tx.execute(sql`
    delete from ${credentials} where register_command_id = any(${uuidArray(rejectedCommandIds)}::uuid[])`);
}
