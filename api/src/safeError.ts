/**
 * An error as it may be logged. Database errors carry values: drizzle puts the query's parameters in
 * its message, and Postgres its `detail` ("Key (lower(email))=(ada@example.com) already exists").
 * Those never reach the logs (design, guarantee 7): a database error is logged by its code, routine
 * and object names, with quoted values blanked out of its message.
 */
export interface LoggedError {
  type: string;
  message: string;
  stack?: string;
  code?: string;
  routine?: string;
  constraint?: string;
  table?: string;
  column?: string;
}

interface PgLike {
  severity?: unknown;
  code?: unknown;
  message: string;
  routine?: unknown;
  constraint_name?: unknown;
  table_name?: unknown;
  column_name?: unknown;
}

const isPgError = (e: unknown): e is PgLike =>
  !!e && typeof e === 'object' && 'severity' in e && 'code' in e && typeof (e as PgLike).message === 'string';

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** The frames of a stack, without the message it starts with (which may span lines). */
const frames = (stack: string | undefined) =>
  stack
    ?.split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');

export function safeError(error: unknown): LoggedError {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && typeof e === 'object' && chain.length < 10; ) {
    chain.push(e);
    const next =
      (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
    if (next === e) break;
    e = next;
  }
  const pg = chain.find(isPgError);
  const fromDatabase = pg ?? chain.find((e) => (e as { name?: unknown }).name === 'DrizzleQueryError');
  if (fromDatabase) {
    const origin = chain.find((e) => e instanceof Error && e.stack) as Error | undefined;
    return {
      type: 'DatabaseError',
      message: pg ? pg.message.replace(/"[^"]*"/g, '"…"') : 'query failed',
      stack: frames(origin?.stack),
      code: text(pg?.code),
      routine: text(pg?.routine),
      constraint: text(pg?.constraint_name),
      table: text(pg?.table_name),
      column: text(pg?.column_name),
    };
  }
  const root = chain.at(-1) ?? error;
  if (root instanceof Error) return { type: root.name, message: root.message, stack: root.stack };
  return { type: typeof root, message: String(root) };
}
