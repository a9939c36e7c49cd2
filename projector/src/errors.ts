/**
 * An error as it may be logged. drizzle wraps a failed statement in an error whose message lists
 * the statement's parameters, and a projection's parameters hold personal fields (names, e-mails,
 * memos): only the database's own error (message, code, constraint, table) goes to the logs.
 */
export function loggable(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const wrapped = 'params' in error && error.cause instanceof Error ? error.cause : undefined;
  const source = (wrapped ?? error) as Error & Record<string, unknown>;
  const safe: Record<string, unknown> = { type: source.name, message: source.message };
  for (const key of ['code', 'constraint_name', 'table_name', 'routine'] as const) {
    if (typeof source[key] === 'string') safe[key] = source[key];
  }
  if (!wrapped && error.stack) safe.stack = error.stack;
  return safe;
}

/** The one line a command-line tool prints for an error (no statement parameters). */
export const errorLine = (error: unknown): string => String(loggable(error).message);
