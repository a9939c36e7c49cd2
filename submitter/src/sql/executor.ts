import type { Db, DbTransaction } from '@gx/db';
import { type SQL, sql } from 'drizzle-orm';

export type Executor = Db | DbTransaction;

/** `(a, b, c)` for an IN list; never call with an empty list. */
export function list(values: readonly unknown[]): SQL {
  if (values.length === 0) throw new Error('an IN list needs at least one value');
  return sql`(${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )})`;
}

/** `interval` of a number of milliseconds, as a parameter. */
export const millis = (ms: number): SQL => sql`(${ms} * interval '1 millisecond')`;
