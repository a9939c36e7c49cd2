import { channels, commands, credentials } from '@gx/db';
import { allowedFrom, type CommandStatus, commandStatuses } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { rows, type Statements } from './statements.js';

export interface MovedCommand {
  id: string;
  createdAt: Date;
  projectedAt: Date;
}

export interface FinishedCommands {
  /** Commands moved to PROJECTED, with times for the stage metric. */
  projected: MovedCommand[];
  /** Commands moved to REJECTED. */
  rejected: string[];
}

/**
 * `decodeCommandNotice`'s format (ids joined by commas), 200 to a notice: 200 × 37 bytes stays
 * under PostgreSQL's 8,000-byte payload limit.
 */
const idsPerNotice = 200;

/**
 * The statuses the projector may not move a command from to `to` (the check constraint keeps a
 * status within `commandStatuses`), for a `status <> all(…)` filter: an inequality no index on
 * status can drive, so the plan always walks the primary key. `status = any(allowed)` lets a stale
 * estimate of a burst of in-flight commands (a few rows, says the planner; thousands, in fact) pick
 * the status index and compare every in-flight command with every id.
 */
const notFrom = (to: CommandStatus): CommandStatus[] =>
  commandStatuses.filter((status) => !allowedFrom('projector', to).includes(status));

/**
 * Finishes a group's commands in one statement, so nothing waits on its answer before COMMIT:
 * applied on the ledger → PROJECTED (with `projected_at`, and the block where the submitter has not
 * recorded one); refused inside a batch → REJECTED with the chaincode's reason, and the credentials of a
 * registration it rejects go (its e-mail is free again; other commands' ids match nothing). Only
 * from the statuses the transition table allows the projector, so whoever gets there first, a status
 * never moves backwards. The `gx_command` notices name exactly the commands it moved; PostgreSQL
 * delivers them at commit. A command id must not be both applied and refused (a row is updated at
 * most once per statement).
 */
export async function finishCommands(
  tx: Statements,
  applied: readonly { id: string; block: bigint }[],
  refused: readonly { id: string; reason: string; block: bigint }[],
): Promise<FinishedCommands> {
  if (applied.length + refused.length === 0) return { projected: [], rejected: [] };
  const [row] = await rows<{ projected: string; rejected: string }>(
    tx,
    sql`
    with projected as (
      update ${commands} c
      set status = 'PROJECTED', projected_at = now(), updated_at = now(),
          block_number = coalesce(c.block_number, v.block)
      from unnest(${sql.param(applied.map((a) => a.id))}::uuid[],
                  ${sql.param(applied.map((a) => a.block.toString()))}::bigint[]) as v(id, block)
      where c.id = v.id and c.status <> all(${sql.param(notFrom('PROJECTED'))}::text[])
      returning c.id, c.created_at, c.projected_at
    ),
    rejected as (
      update ${commands} c
      set status = 'REJECTED', error_code = 'REJECTED', error_message = v.reason, updated_at = now(),
          block_number = coalesce(c.block_number, v.block)
      from unnest(${sql.param(refused.map((r) => r.id))}::uuid[],
                  ${sql.param(refused.map((r) => r.reason))}::text[],
                  ${sql.param(refused.map((r) => r.block.toString()))}::bigint[]) as v(id, reason, block)
      where c.id = v.id and c.status <> all(${sql.param(notFrom('REJECTED'))}::text[])
      returning c.id
    ),
    freed as (
      delete from ${credentials} where register_command_id in (select id from rejected)
    ),
    moved as (
      select id, row_number() over () - 1 as position
      from (select id from projected union all select id from rejected) as ids
    ),
    notices as materialized (
      select pg_notify(${channels.command}, string_agg(id::text, ',' order by position))
      from moved group by position / ${idsPerNotice}
    )
    select
      (select count(*) from notices) as notices,
      (select coalesce(json_agg(json_build_object('id', id, 'createdAt', created_at,
          'projectedAt', projected_at)), '[]')::text from projected) as projected,
      (select coalesce(json_agg(id), '[]')::text from rejected) as rejected`,
  );
  const projected = JSON.parse(row?.projected ?? '[]') as {
    id: string;
    createdAt: string;
    projectedAt: string;
  }[];
  return {
    projected: projected.map((p) => ({
      id: p.id,
      createdAt: new Date(p.createdAt),
      projectedAt: new Date(p.projectedAt),
    })),
    rejected: JSON.parse(row?.rejected ?? '[]') as string[],
  };
}
