import { inFlightStatuses } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type Executor, list, millis } from './executor.js';

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

/**
 * A lease not renewed in time belongs to a dead (or stalled) worker: its commands go back to the
 * queue, where the next claim looks up any transaction they carried. Run periodically, not on the
 * claim's hot path.
 */
export async function releaseStaleLeases(db: Executor, leaseMs: number): Promise<number> {
  const rows = await db.execute(sql`
    update commands set locked_by = null, locked_at = null
     where locked_by is not null
       and locked_at <= now() - ${millis(leaseMs)}
       and status in ${list(inFlightStatuses)}
    returning id`);
  return rows.length;
}
