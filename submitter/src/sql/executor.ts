import { type Db, type DbTransaction, uuidArray } from '@gx/db';
import { allowedFrom, type CommandStatus } from '@gx/schema';
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
 * statement also names its rows' keys as an array, which it looks up on their index (for
 * `commands`, through `lockById`).
 */
export const jsonRows = (rows: readonly object[]): string => JSON.stringify(rows);

/**
 * The `commands` rows of `ids`, found by their primary key alone and locked, each with `ok`: whether
 * `condition` (a status or lease fence) holds on it. A statement then writes the rows that are ok.
 *
 * Not `where id = any(ids) and condition`: a status or lease condition matches the indexes of
 * commands in flight, and with statistics taken before a backlog arrived the planner read those
 * through the whole backlog to find a few ids (1,500 to 10,000 index entries for 8 to 28 rows: most
 * of PostgreSQL's time in a batch-size-1 drain). The condition is computed on the row version the
 * lock returns, the latest, and stays true until the transaction ends: the row is locked.
 */
export const lockById = (
  ids: readonly string[],
  condition: SQL,
  mode: 'wait' | 'skip locked' = 'wait',
): SQL => sql`
  select id, (${condition}) as ok from commands
   where id = any(${uuidArray(ids)}::uuid[])
     for update${mode === 'skip locked' ? sql` skip locked` : sql``}`;

/**
 * The fence of a submitter's status write: the command is still held by `workerId`, in a status the
 * transition table lets the submitter move to `to`.
 */
export const leaseFence = (workerId: string, to: CommandStatus): SQL =>
  sql`locked_by = ${workerId} and status in ${list(allowedFrom('submitter', to))}`;
