import { commands, type DbTransaction } from '@gx/db';
import { allowedFrom } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { nameArray } from './uuidArray.js';

export interface MovedCommand {
  id: string;
  createdAt: Date;
  projectedAt: Date;
}

/**
 * APPLIED on the ledger → PROJECTED (queryable), with `projected_at`, and the block where the
 * submitter has not recorded one. Only from the statuses the transition table allows the
 * projector, so whoever gets there first, a status never moves backwards. Returns the rows it moved.
 */
export async function markProjected(
  tx: DbTransaction,
  applied: readonly { id: string; block: bigint }[],
): Promise<MovedCommand[]> {
  if (applied.length === 0) return [];
  const json = JSON.stringify(applied.map((a) => ({ id: a.id, block: a.block.toString() })));
  const rows = await tx.execute<{ id: string; created_at: Date | string; projected_at: Date | string }>(sql`
    update ${commands} c
    set status = 'PROJECTED', projected_at = now(), updated_at = now(),
        block_number = coalesce(c.block_number, v.block)
    from jsonb_to_recordset(${json}::jsonb) as v(id uuid, block bigint)
    where c.id = v.id and c.status = any(${nameArray(allowedFrom('projector', 'PROJECTED'))}::text[])
    returning c.id, c.created_at, c.projected_at`);
  return rows.map((r) => ({
    id: r.id,
    createdAt: new Date(r.created_at),
    projectedAt: new Date(r.projected_at),
  }));
}
