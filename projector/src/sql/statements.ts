import { prepared } from '@gx/db';
import type { SQL } from 'drizzle-orm';

/**
 * Where a projection's statements run: the caller's drizzle transaction, or a `Pipeline` on a
 * connection of its own. Rows come back as PostgreSQL sends them (the statements cast what they read).
 * A pipeline keeps them prepared (`prepared`): every projection statement has a fixed text, its
 * values bound as parameters (arrays and JSON), so the live projector parses and plans each once.
 */
export interface Statements {
  execute(query: SQL, options?: { prepare?: boolean }): PromiseLike<Record<string, unknown>[]>;
}

/** A statement's rows, typed as its SQL selects them. */
export async function rows<Row>(tx: Statements, query: SQL): Promise<Row[]> {
  return (await tx.execute(query, prepared)) as Row[];
}
