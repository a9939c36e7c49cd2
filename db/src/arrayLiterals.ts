/** A uuid in its canonical text form, as PostgreSQL reads it. */
export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

/**
 * A Postgres array literal of ids, bound as one parameter (drizzle would expand a JS array
 * into a list of parameters). Each id is checked to be a uuid, so none needs quoting.
 */
export function uuidArray(ids: readonly string[]): string {
  for (const id of ids) {
    if (!isUuid(id)) throw new Error(`not a uuid: ${id}`);
  }
  return `{${ids.join(',')}}`;
}

/** A text array literal of plain status names; a null is an SQL NULL (so no name may be `NULL`). */
export function nameArray(names: readonly (string | null)[]): string {
  for (const name of names) {
    if (name !== null && (!/^[A-Z_]+$/.test(name) || name === 'NULL')) {
      throw new Error(`not a status name: ${name}`);
    }
  }
  return `{${names.map((name) => name ?? 'NULL').join(',')}}`;
}

/** A text array literal of any strings, each quoted (and its quotes and backslashes escaped). */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}
