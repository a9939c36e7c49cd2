import { commands, type DbTransaction } from '@gx/db';
import { allowedFrom } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { nameArray } from './uuidArray.js';

/**
 * Refused inside a batch on the ledger → REJECTED with error code REJECTED and the chaincode's
 * reason; only from the statuses the projector may move. Returns the ids it moved.
 */
export async function markRejected(
  tx: DbTransaction,
  rejected: readonly { id: string; reason: string; block: bigint }[],
): Promise<string[]> {
  if (rejected.length === 0) return [];
  const json = JSON.stringify(
    rejected.map((r) => ({ id: r.id, reason: r.reason, block: r.block.toString() })),
  );
  const rows = await tx.execute<{ id: string }>(sql`
    update ${commands} c
    set status = 'REJECTED', error_code = 'REJECTED', error_message = v.reason, updated_at = now(),
        block_number = coalesce(c.block_number, v.block)
    from jsonb_to_recordset(${json}::jsonb) as v(id uuid, reason text, block bigint)
    where c.id = v.id and c.status = any(${nameArray(allowedFrom('projector', 'REJECTED'))}::text[])
    returning c.id`);
  return rows.map((r) => r.id);
}
