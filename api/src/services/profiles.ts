import { ForbiddenError, NotFoundError } from '../errors.js';
import { beginUserWrite, insertCommand, type Receipt, withIdempotency } from './commands.js';
import { type Caller, requireViewer, type Services } from './context.js';
import { parseId, parseInput, UpdateProfileInput } from './input.js';
import { currentNames, pendingProfiles } from './profileState.js';

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
      read: (connection) => pendingProfiles(connection, [viewer.profileId]),
      readWithoutLock: async () => {
        const row = await services.lookups.pendingProfile.load(viewer.profileId);
        return row ? [row] : [];
      },
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
