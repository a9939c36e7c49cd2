import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * `column in ('A', 'B')`, the values inlined: for a CHECK constraint (DDL takes no parameters), and
 * for a filter that a prepared statement's generic plan must match to a partial index (it can
 * prove that a literal list meets the index's predicate, never a parameter). The values come from
 * the schema's enums, and are checked to be plain names.
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  for (const value of values) {
    if (!/^[A-Z][A-Z_]*$/.test(value)) throw new Error(`not an enum name: ${value}`);
  }
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;
}
