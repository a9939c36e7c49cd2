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

/**
 * Rows as one JSON parameter, for `jsonb_to_recordset(...::text::jsonb)`: a statement over any number
 * of rows keeps one text, so it can stay prepared. (A VALUES list has a text per row count, and
 * unprepared, a statement pays a round trip to be described; see `prepared`.) The planner takes the
 * function for a hundred rows and would join it to a whole table by a sequential scan, so the
 * statement also names its rows' keys as an array, which it looks up on their index.
 */
export const jsonRows = (rows: readonly object[]): string => JSON.stringify(rows);
