import { type PendingQuery, type Sql, uuidArray } from '@gx/db';
import type { CommandPayload } from '@gx/schema';
import type { ProfileFields } from './hmac.js';

/**
 * The payload of the profile's latest UPDATE_PROFILE still on its way (ACCEPTED to COMMITTED). Two
 * lookups, each on an index: in flight through the aggregate's partial index, COMMITTED among the
 * commands awaiting projection (few: the projection lag). One lookup over all four statuses matches
 * no index, so it walked the whole command history backwards for a profile with nothing pending.
 * The statuses are literals, not parameters, so the partial index's predicate holds in a generic plan.
 * The group commit's check (`gx_insert_commands`, migration 0012) runs the same two lookups.
 */
export function latestPendingUpdate(connection: Sql, profileId: string | PendingQuery): PendingQuery {
  return connection`(
    select latest.payload from (
      (select payload, seq from commands
        where aggregate_id = ${profileId} and type = 'UPDATE_PROFILE'
          and status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
        order by seq desc limit 1)
      union all
      (select payload, seq from commands
        where status = 'COMMITTED' and aggregate_id = ${profileId} and type = 'UPDATE_PROFILE'
        order by seq desc limit 1)
    ) latest
    order by latest.seq desc limit 1)`;
}

export interface PendingProfileRow extends ProfileFields {
  id: string;
  pending: CommandPayload<'UPDATE_PROFILE'> | null;
}

/**
 * Profiles as they will be once the commands already accepted are projected: the read model and the
 * latest UPDATE_PROFILE still on its way. The group commit checks under the profile's lock that the
 * names and country an update was built on are still those (`profileBuiltOn`), so two partial updates
 * in quick succession do not undo each other.
 */
export function pendingProfiles(connection: Sql, ids: readonly string[]): PendingQuery<PendingProfileRow> {
  return connection<PendingProfileRow[]>`
    select p.id, p.email, p.first_name as "firstName", p.last_name as "lastName", p.country,
           p.account_type as "accountType", ${latestPendingUpdate(connection, connection`p.id`)} as pending
    from user_profiles p where p.id = any(${uuidArray(ids)}::uuid[])`;
}

/** Names and country as the latest update on its way left them, else as projected. */
export function currentNames(row: PendingProfileRow): ProfileNames {
  const { firstName, lastName, country } = row.pending ?? row;
  return { firstName, lastName, country };
}

/** A profile's names and country as an update accepted now would build on them. */
export interface ProfileNames {
  firstName: string;
  lastName: string;
  country: string;
}
