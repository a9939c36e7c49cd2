import type { CommandRule } from './decision.js';
import { requireUser } from './lookups.js';
import { userWrite } from './records.js';

/** UPDATE_PROFILE: the user exists; the ledger keeps only the country and the profile's hash. */
export const updateProfile: CommandRule<'UPDATE_PROFILE'> = async (state, { commandId, args }) => {
  const user = await requireUser(state, args.profileId);
  return {
    event: {
      name: 'ProfileUpdated',
      payload: { commandId, profileId: args.profileId, country: args.country, profileHash: args.profileHash },
    },
    writes: [userWrite({ ...user, country: args.country, profileHash: args.profileHash })],
  };
};
