import { sql } from 'drizzle-orm';
import type { Executor } from './executor.js';

/** Keeps this worker's claims alive while their transactions are slow to commit. */
export async function renewLeases(db: Executor, workerId: string): Promise<void> {
  await db.execute(sql`update commands set locked_at = now() where locked_by = ${workerId}`);
}

/** On shutdown: what this worker still holds goes back to the queue as it is. */
export async function releaseAll(db: Executor, workerId: string): Promise<number> {
  const rows = await db.execute(sql`
    update commands set locked_by = null, locked_at = null where locked_by = ${workerId} returning id`);
  return rows.length;
}
