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
 * The lock keys of several aggregates, as the one JSON parameter `gx_insert_commands` (migration
 * 0012) takes: it takes their locks in one order (the keys' hashes), so two transactions taking
 * overlapping sets cannot wait on each other, before it draws any `seq`.
 */
export function aggregateLockKeys(aggregateIds: readonly string[]): string {
  return JSON.stringify([...new Set(aggregateIds)].map(lockKey));
}
