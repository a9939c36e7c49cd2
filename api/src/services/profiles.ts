import type { PendingQuery, Sql } from '@gx/db';
import type { CommandPayload } from '@gx/schema';
import { ForbiddenError, NotFoundError } from '../errors.js';
import { beginUserWrite, insertCommand, type Receipt, withIdempotency } from './commands.js';
import { type Caller, requireViewer, type Services } from './context.js';
import type { ProfileFields } from './hmac.js';
import { parseId, parseInput, UpdateProfileInput } from './input.js';
import { latestPendingUpdate, type ProfileNames } from './profileState.js';

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

interface PendingProfileRow extends ProfileFields {
  pending: CommandPayload<'UPDATE_PROFILE'> | null;
}

/**
 * The profile as it will be once the commands already accepted are projected: the read model and the
 * latest UPDATE_PROFILE still on its way. The group commit checks under the profile's lock that the
 * names and country it found are still those (`profileBuiltOn`), so two partial updates in quick
 * succession do not undo each other.
 */
function pendingProfile(connection: Sql, profileId: string): PendingQuery<PendingProfileRow> {
  return connection<PendingProfileRow[]>`
    select email, first_name as "firstName", last_name as "lastName", country, account_type as "accountType",
           ${latestPendingUpdate(connection, profileId)} as pending
    from user_profiles where id = ${profileId}`;
}

/** Names and country as the latest update on its way left them, else as projected. */
function currentNames(row: PendingProfileRow): ProfileNames {
  const { firstName, lastName, country } = row.pending ?? row;
  return { firstName, lastName, country };
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
      read: (connection) => pendingProfile(connection, viewer.profileId),
      profileBuiltOn: ([row]) => currentNames(row!),
      build: ([row]) => {
        if (!row) throw new NotFoundError('profile');
        const current = currentNames(row);
        const next = {
          email: row.email,
          accountType: row.accountType,
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
