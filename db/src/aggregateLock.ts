import { sql } from 'drizzle-orm';
import type { Db, PendingQuery, Sql } from './connection.js';

type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbTransaction = Transaction;

const lockKey = (aggregateId: string) => `gx:aggregate:${aggregateId}`;

/**
 * Takes the transaction-scoped advisory lock of an aggregate. Inserting its commands under this
 * lock makes `seq` order the commit order per aggregate (design, "Order per aggregate").
 */
export async function lockAggregate(tx: Transaction, aggregateId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${lockKey(aggregateId)}, 0))`);
}

/**
 * The same lock as a postgres.js statement, for a caller that opened the transaction itself and
 * pipelines the lock with the statements that follow it on one connection.
 */
export function aggregateLockStatement(connection: Sql, aggregateId: string): PendingQuery {
  return connection`select pg_advisory_xact_lock(hashtextextended(${lockKey(aggregateId)}, 0))`;
}

/**
 * The locks of several aggregates, taken in one order (their hashes) so two transactions taking
 * overlapping sets cannot wait on each other, as a subquery: its one row exists only once every
 * lock is held, so a statement that joins it draws no `seq` before. The keys go as one JSON
 * parameter: the statement is the same for any number of them.
 */
export function aggregateLocksHeld(connection: Sql, aggregateIds: readonly string[]): PendingQuery {
  const keys = JSON.stringify([...new Set(aggregateIds)].map(lockKey));
  return connection`(
    select count(pg_advisory_xact_lock(h)) as held
      from (select hashtextextended(k, 0) as h
              from jsonb_array_elements_text(${keys}::text::jsonb) k order by h) keys)`;
}
