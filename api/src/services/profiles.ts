import { commands, credentials, type Db, type DbTransaction, userProfiles } from '@gx/db';
import type { CommandPayload, Role } from '@gx/schema';
import { eq, inArray, type SQL, sql } from 'drizzle-orm';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { beginUserWrite, insertCommand, type Receipt, withIdempotency } from './commands.js';
import { type Caller, requireViewer, type Services } from './context.js';
import { parseId, parseInput, UpdateProfileInput } from './input.js';

export type ProfileView = typeof userProfiles.$inferSelect;

/** Profiles by id, in one query (DataLoader batch). */
export async function loadProfiles(db: Db, ids: readonly string[]): Promise<Map<string, ProfileView>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(userProfiles)
    .where(inArray(userProfiles.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row]));
}

/** Roles by profile id, from the credentials, in one query. */
export async function loadRoles(db: Db, ids: readonly string[]): Promise<Map<string, Role>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ profileId: credentials.profileId, role: credentials.role })
    .from(credentials)
    .where(inArray(credentials.profileId, [...ids]));
  return new Map(rows.map((row) => [row.profileId, row.role as Role]));
}

/** Who may read a profile's data: the profile itself or an admin. */
export function authorizeProfile(caller: Caller, profileId: string): void {
  const viewer = requireViewer(caller);
  if (viewer.role !== 'ADMIN' && viewer.profileId !== profileId) {
    throw new ForbiddenError("not allowed to see another user's data");
  }
}

/** `user(id)`: self or admin; null for an unknown id. The profile itself comes from `load`. */
export function checkProfileAccess(caller: Caller, id: string): string {
  parseId(id, 'id');
  authorizeProfile(caller, id);
  return id;
}

export interface UpdateProfileArgs {
  firstName?: string | null | undefined;
  lastName?: string | null | undefined;
  country?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}

/**
 * The payload of the profile's latest UPDATE_PROFILE still on its way (ACCEPTED to COMMITTED). Two
 * lookups, each on an index: in flight through the aggregate's partial index, COMMITTED among the
 * commands awaiting projection (few: the projection lag). One lookup over all four statuses matches
 * no index, so it walked the whole command history backwards for a profile with nothing pending.
 * The statuses are literals, not parameters, so the partial index's predicate holds in a generic plan.
 */
export function latestPendingUpdate(profileId: string): SQL<CommandPayload<'UPDATE_PROFILE'> | null> {
  return sql`(
    select latest.payload from (
      (select ${commands.payload}, ${commands.seq} from ${commands}
        where ${commands.aggregateId} = ${profileId} and ${commands.type} = 'UPDATE_PROFILE'
          and ${commands.status} in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
        order by ${commands.seq} desc limit 1)
      union all
      (select ${commands.payload}, ${commands.seq} from ${commands}
        where ${commands.status} = 'COMMITTED' and ${commands.aggregateId} = ${profileId}
          and ${commands.type} = 'UPDATE_PROFILE'
        order by ${commands.seq} desc limit 1)
    ) latest
    order by latest.seq desc limit 1)`;
}

/**
 * The profile as it will be once the commands already accepted are projected: the read model, overlaid
 * with the latest UPDATE_PROFILE still on its way. Read under the aggregate's lock, so two partial
 * updates in quick succession do not undo each other.
 */
async function pendingProfile(tx: DbTransaction, profileId: string) {
  const [row] = await tx
    .select({
      email: userProfiles.email,
      firstName: userProfiles.firstName,
      lastName: userProfiles.lastName,
      country: userProfiles.country,
      accountType: userProfiles.accountType,
      pending: latestPendingUpdate(profileId),
    })
    .from(userProfiles)
    .where(eq(userProfiles.id, profileId));
  if (!row) return undefined;
  const { pending, ...profile } = row;
  return pending
    ? { ...profile, firstName: pending.firstName, lastName: pending.lastName, country: pending.country }
    : profile;
}

/** `updateProfile`: the command carries the resulting full names and country, and their new profileHash. */
export async function updateProfile(
  services: Services,
  caller: Caller,
  args: UpdateProfileArgs,
): Promise<Receipt> {
  const { viewer, input, identity } = beginUserWrite(services, caller, 'updateProfile', args);
  return withIdempotency(services, identity, async () => {
    const change = parseInput(UpdateProfileInput, input);
    return insertCommand(services, identity, {
      type: 'UPDATE_PROFILE',
      aggregateId: viewer.profileId,
      build: async (tx) => {
        const current = await pendingProfile(tx, viewer.profileId);
        if (!current) throw new NotFoundError('profile');
        const next = {
          ...current,
          firstName: change.firstName ?? current.firstName,
          lastName: change.lastName ?? current.lastName,
          country: change.country ?? current.country,
        };
        return {
          profileId: viewer.profileId,
          firstName: next.firstName,
          lastName: next.lastName,
          country: next.country,
          profileHash: services.hmacs.profileHash(next),
        };
      },
    });
  });
}
