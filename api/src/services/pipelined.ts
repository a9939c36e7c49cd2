/** Statements pipelined on one connection: sent together, answered in order. */

/** Throws the first failure among settled statements, if any. */
export function throwFirstFailure(results: readonly PromiseSettledResult<unknown>[]): void {
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/**
 * Sends statements together on one connection and waits for every answer (so the connection is idle
 * after), then throws the first failure, if any.
 */
export async function sendTogether<T extends readonly unknown[]>(
  statements: readonly [...T],
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const results = await Promise.allSettled(statements);
  throwFirstFailure(results);
  return results.map((result) => (result as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}
