import type { Sql } from './connection.js';

export interface ProjectionLag {
  /** The checkpoint's block; undefined before the projector first ran. */
  checkpointBlock: bigint | undefined;
  /** Highest block recorded on a COMMITTED command minus the checkpoint block, at least 0. */
  lagBlocks: number;
  /** Age of the oldest command that is COMMITTED but not PROJECTED; 0 when none. */
  lagSeconds: number;
}

/**
 * Projection lag measured from Postgres (design, "Metrics"): only committed commands that wait for
 * their projection count, so an idle system is never lagging and blocks without our events do not
 * count. The projector's metrics, its status command and the api's /readyz all read it here.
 */
export async function readLag(sql: Sql, checkpoint = 'main'): Promise<ProjectionLag> {
  const [row] = await sql<{ checkpoint_block: string | null; lag_blocks: string; lag_seconds: number }[]>`
    with committed as (
      select max(block_number) as highest, min(coalesce(committed_at, updated_at)) as oldest
      from commands where status = 'COMMITTED'
    ),
    checkpoint as (select block_number from projector_checkpoints where name = ${checkpoint})
    select (select block_number from checkpoint)::text as checkpoint_block,
      greatest(coalesce((select highest from committed) - coalesce((select block_number from checkpoint), 0), 0), 0)::text
        as lag_blocks,
      coalesce(extract(epoch from now() - (select oldest from committed)), 0)::float8 as lag_seconds`;
  return {
    checkpointBlock: row?.checkpoint_block == null ? undefined : BigInt(row.checkpoint_block),
    lagBlocks: Number(row?.lag_blocks ?? 0),
    lagSeconds: Math.max(0, Number(row?.lag_seconds ?? 0)),
  };
}
