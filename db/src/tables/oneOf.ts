import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * `column in ('A', 'B')` for a CHECK constraint. DDL takes no parameters, so the values are
 * inlined; they come from the schema's enums, never from input, and are checked to be plain names.
 */
export function oneOf(column: AnyPgColumn, values: readonly string[]): SQL {
  for (const value of values) {
    if (!/^[A-Z][A-Z_]*$/.test(value)) throw new Error(`not an enum name: ${value}`);
  }
  return sql`${column} in (${sql.raw(values.map((v) => `'${v}'`).join(', '))})`;
}
