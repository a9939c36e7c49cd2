import { channels, commands, credentials, nameArray, uuidArray } from '@gx/db';
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
 * status within `commandStatuses`), for a `status <> all(…)` filter that no index on status can
 * serve.
 */
const notFrom = (to: CommandStatus): CommandStatus[] =>
  commandStatuses.filter((status) => !allowedFrom('projector', to).includes(status));

/**
 * Stand-ins for an update with no ids: an empty `id = any('{}')` gives the planner nothing to go
 * by, and it may scan a whole index for no row.
 */
const noneProjected = sql`select null::uuid as id, null::timestamptz as created_at,
  null::timestamptz as projected_at where false`;
const noneRejected = sql`select null::uuid as id where false`;

/**
 * Finishes a group's commands in one statement, so nothing waits on its answer before COMMIT:
 * applied on the ledger → PROJECTED (with `projected_at`, and the block where the submitter has not
 * recorded one); refused inside a batch → REJECTED with the chaincode's reason, and the credentials of a
 * registration it rejects go (its e-mail is free again; other commands' ids match nothing). Only
 * from the statuses the transition table allows the projector, so whoever gets there first, a status
 * never moves backwards. The `gx_command` notices name exactly the commands it moved; PostgreSQL
 * delivers them at commit. A command id must not be both applied and refused (a row is updated at
 * most once per statement).
 *
 * Each update reads only `commands` by primary key (`id = any(…)`), with per-command values looked
 * up in a JSON object and the status filter an inequality: no join and no usable status index, so
 * no estimate can lead the planner astray. Statistics lag a burst of new commands: with a status
 * index the planner walked every in-flight command, and with a join it compared every one with every
 * id (seconds for a 500-command group).
 */
export async function finishCommands(
  tx: Statements,
  applied: readonly { id: string; block: bigint }[],
  refused: readonly { id: string; reason: string; block: bigint }[],
): Promise<FinishedCommands> {
  if (applied.length + refused.length === 0) return { projected: [], rejected: [] };
  // per-command values as JSON objects keyed by command id, looked up row by row
  const blocks = JSON.stringify(Object.fromEntries(applied.map((a) => [a.id, a.block.toString()])));
  const refusals = JSON.stringify(
    Object.fromEntries(refused.map((r) => [r.id, { reason: r.reason, block: r.block.toString() }])),
  );
  const projecting =
    applied.length > 0
      ? sql`
    update ${commands} c
    set status = 'PROJECTED', projected_at = now(), updated_at = now(),
        block_number = coalesce(c.block_number, (${blocks}::jsonb ->> c.id::text)::bigint)
    where c.id = any(${uuidArray(applied.map((a) => a.id))}::uuid[])
      and c.status <> all(${nameArray(notFrom('PROJECTED'))}::text[])
    returning c.id, c.created_at, c.projected_at`
      : noneProjected;
  const rejecting =
    refused.length > 0
      ? sql`
    update ${commands} c
    set status = 'REJECTED', error_code = 'REJECTED',
        error_message = ${refusals}::jsonb -> c.id::text ->> 'reason', updated_at = now(),
        block_number = coalesce(c.block_number, (${refusals}::jsonb -> c.id::text ->> 'block')::bigint)
    where c.id = any(${uuidArray(refused.map((r) => r.id))}::uuid[])
      and c.status <> all(${nameArray(notFrom('REJECTED'))}::text[])
    returning c.id`
      : noneRejected;
  // only with refusals: credentials has no index on the command id, so this scans the table
  const freeing =
    refused.length > 0
      ? sql`
    freed as (delete from ${credentials} where register_command_id in (select id from rejected)),`
      : sql``;
  const [row] = await rows<{ projected: string; rejected: string }>(
    tx,
    sql`
    with projected as (${projecting}),
    rejected as (${rejecting}),${freeing}
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
