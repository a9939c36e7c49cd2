import { ForbiddenError, NotFoundError } from '../errors.js';
import { beginUserWrite, insertCommand, type Receipt, withIdempotency } from './commands.js';
import { type Caller, requireViewer, type Services } from './context.js';
import type { ProfileFields } from './hmac.js';
import { parseId, parseInput, UpdateProfileInput } from './input.js';
import { currentNames, type PendingProfileRow, type ProfileNames, pendingProfiles } from './profileState.js';

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
 * `updateProfile`: the command carries the resulting full names and country, and their new profileHash.
 * An update that names every field builds on nothing but the profile's facts, which never change;
 * one that names some builds on the names and country the updates before it leave: as this
 * process's last update of the profile left them if it remembers one, else as read, checked under
 * the lock either way.
 */
export async function updateProfile(
  services: Services,
  caller: Caller,
  args: UpdateProfileArgs,
): Promise<Receipt> {
  const { viewer, input, identity } = beginUserWrite(services, caller, 'updateProfile', args);
  const profileId = viewer.profileId;
  return withIdempotency(services, identity, async () => {
    const change = parseInput(UpdateProfileInput, input);
    // What this update leaves the profile as, for the next one to build on (`PendingProfileCache`).
    let leaves: PendingProfileRow | undefined;
    const payload = (
      { email, accountType }: Pick<ProfileFields, 'email' | 'accountType'>,
      names: ProfileNames,
    ) => {
      const built = {
        profileId,
        ...names,
        profileHash: services.hmacs.profileHash({ email, accountType, ...names }),
      };
      leaves = { id: profileId, email, accountType, ...names, pending: built };
      return built;
    };
    const { firstName, lastName, country } = change;
    let receipt: Receipt;
    if (firstName != null && lastName != null && country != null) {
      const facts = (await services.profileFacts.of([profileId])).get(profileId);
      if (!facts) throw new NotFoundError('profile');
      receipt = await insertCommand(services, identity, {
        type: 'UPDATE_PROFILE',
        aggregateId: profileId,
        build: () => payload(facts, { firstName, lastName, country }),
      });
    } else {
      // The first try builds on what this process's last update of the profile left, if it has one;
      // a try after the check found the profile changed reads it.
      let remembered = services.pendingProfiles.get(profileId);
      receipt = await insertCommand(services, identity, {
        type: 'UPDATE_PROFILE',
        aggregateId: profileId,
        read: (connection) => pendingProfiles(connection, [profileId]),
        optimistic: {
          read: async () => {
            const row = remembered ?? (await services.lookups.pendingProfile.load(profileId));
            remembered = undefined;
            return row ? [row] : [];
          },
          builtOn: ([row]) => currentNames(row!),
        },
        build: ([row]) => {
          if (!row) throw new NotFoundError('profile');
          const current = currentNames(row);
          return payload(row, {
            firstName: firstName ?? current.firstName,
            lastName: lastName ?? current.lastName,
            country: country ?? current.country,
          });
        },
      });
    }
    if (leaves) services.pendingProfiles.remember(leaves);
    return receipt;
  });
}
