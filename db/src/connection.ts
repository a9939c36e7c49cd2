import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as tables from './tables/index.js';

export type Sql = postgres.Sql;
/** A postgres.js statement not yet sent: it goes out when awaited, in the order statements are awaited. */
export type PendingQuery<Row extends SqlRow = SqlRow> = postgres.PendingQuery<Row[]>;
export type SqlRow = postgres.Row;
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
