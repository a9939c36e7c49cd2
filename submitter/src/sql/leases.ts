import { inFlightStatuses } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type Executor, list, millis } from './executor.js';

/**
 * Keeps alive the claims of the commands this worker is still working on, while their transactions
 * are slow to commit. Only those: a claim it lost track of (its batch failed on a database error,
 * or the claim's commit never answered) must expire and go back to the queue, not stay renewed for
 * as long as the worker lives.
 */
export async function renewLeases(db: Executor, workerId: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.execute(
    sql`update commands set locked_at = now() where locked_by = ${workerId} and id in ${list(ids)}`,
  );
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
