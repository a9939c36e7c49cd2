import type { SQL } from 'drizzle-orm';

/**
 * Where a projection's statements run: the caller's drizzle transaction, or a `Pipeline` on a
 * connection of its own. Rows come back as PostgreSQL sends them (the statements cast what they read).
 */
export interface Statements {
  execute(query: SQL): PromiseLike<Record<string, unknown>[]>;
}

/** A statement's rows, typed as its SQL selects them. */
export async function rows<Row>(tx: Statements, query: SQL): Promise<Row[]> {
  return (await tx.execute(query)) as Row[];
}
