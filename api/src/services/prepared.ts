import type { Db } from '@gx/db';

/**
 * A statement prepared once per database handle: drizzle builds a query's SQL anew on every call, a
 * cost the lookups that run on most requests should not pay.
 */
export function perDatabase<T>(prepare: (db: Db) => T): (db: Db) => T {
  const prepared = new WeakMap<Db, T>();
  return (db) => {
    let statement = prepared.get(db);
    if (statement === undefined) {
      statement = prepare(db);
      prepared.set(db, statement);
    }
    return statement;
  };
}

/**
 * A DataLoader batch by id: most batches hold one id (`me`, the caller's wallet), and those go
 * through `one`, a statement prepared once per handle; several ids go through `many`, one query.
 */
export function loadById<Row extends { id: string }>(
  one: (db: Db) => { execute(values: { id: string }): Promise<Row[]> },
  many: (db: Db, ids: string[]) => Promise<Row[]>,
): (db: Db, ids: readonly string[]) => Promise<Map<string, Row>> {
  const prepared = perDatabase(one);
  return async (db, ids) => {
    if (ids.length === 0) return new Map();
    const rows = ids.length === 1 ? await prepared(db).execute({ id: ids[0]! }) : await many(db, [...ids]);
    return new Map(rows.map((row) => [row.id, row]));
  };
}
