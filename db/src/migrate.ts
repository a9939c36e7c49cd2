import path from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';

export const migrationsFolder = path.join(import.meta.dirname, '..', 'migrations');

/** Any fixed number: only our migrators take it. */
const migrationLockKey = 0x67785f6d69677261n;

/**
 * Applies the committed migrations. Several processes may start at once (replicas, init
 * containers): an advisory lock lets one migrate while the others wait, then find nothing to do.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${migrationLockKey.toString()}::bigint)`;
    await migrate(drizzle(sql), { migrationsFolder });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
