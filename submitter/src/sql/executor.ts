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

/** For a statement whose text never varies: kept prepared on its connection (see `Pipeline.execute`). */
export const prepared = { prepare: true } as const;

/**
 * Rows as one JSON parameter, for `jsonb_to_recordset(...::text::jsonb)`: a statement over any number
 * of rows keeps one text, so it can stay prepared. (A VALUES list has a text per row count, and an
 * unprepared statement with parameters costs postgres.js a round trip to describe it first, which
 * also stops the statements behind it from going out until the answer.)
 */
export const jsonRows = (rows: readonly object[]): string => JSON.stringify(rows);
