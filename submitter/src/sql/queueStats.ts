import { sql } from 'drizzle-orm';
import type { Executor } from './executor.js';

/** Depth and age of the outbox: what waits for the ledger. */
export async function queueStats(db: Executor): Promise<{ depth: number; oldestAgeSeconds: number }> {
  const [row] = await db.execute<{ depth: number; age: number | null }>(sql`
    select count(*)::int as depth, extract(epoch from now() - min(created_at))::float8 as age
      from commands where status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')`);
  return { depth: row?.depth ?? 0, oldestAgeSeconds: row?.age ?? 0 };
}
