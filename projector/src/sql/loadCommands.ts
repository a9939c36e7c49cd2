import { commands, type DbTransaction } from '@gx/db';
import { sql } from 'drizzle-orm';
import type { CommandRecord } from '../handlers/index.js';
import { uuidArray } from './uuidArray.js';

/** The command rows behind a group's events, by id: their personal fields and acceptance times. */
export async function loadCommands(
  tx: DbTransaction,
  ids: readonly string[],
): Promise<Map<string, CommandRecord>> {
  const found = new Map<string, CommandRecord>();
  if (ids.length === 0) return found;
  const rows = await tx.execute<{ id: string; type: string; payload: unknown; created_at: string }>(sql`
    select id, type, payload, created_at from ${commands} where id = any(${uuidArray(ids)}::uuid[])`);
  for (const row of rows) {
    found.set(row.id, {
      id: row.id,
      type: row.type,
      payload: isRecord(row.payload) ? row.payload : {},
      createdAt: String(row.created_at),
    });
  }
  return found;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
