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
