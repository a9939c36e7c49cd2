import { sql } from 'drizzle-orm';
import type { Db } from './connection.js';

type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbTransaction = Transaction;

/**
 * Takes the transaction-scoped advisory lock of an aggregate. Inserting its commands under this
 * lock makes `seq` order the commit order per aggregate (design, "Order per aggregate").
 */
export async function lockAggregate(tx: Transaction, aggregateId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`gx:aggregate:${aggregateId}`}, 0))`);
}
