import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as tables from './tables/index.js';

export type Sql = postgres.Sql;
export type Db = PostgresJsDatabase<typeof tables>;

export interface Database {
  /** postgres.js, for the statements SQL says best (claims, checkpoints, LISTEN). */
  sql: Sql;
  /** drizzle over the same pool. */
  db: Db;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Pool size; default 10. */
  max?: number;
  /** Shown in pg_stat_activity, so a connection can be traced to its service. */
  applicationName?: string;
}

export function connect(url: string, options: ConnectOptions = {}): Database {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'gx' },
  });
  const db = drizzle(sql, { schema: tables });
  return { sql, db, close: () => sql.end({ timeout: 5 }) };
}
