import { type Handler, personalField } from './types.js';

/** Country and profile hash from the event; first and last name from the UPDATE_PROFILE command row. */
export const profileUpdated: Handler<'ProfileUpdated'> = async (event, tx) => {
  const { profileId, country, profileHash } = event.payload;
  const profile = tx.profile(profileId);
  if (!profile) return;
  tx.saveProfile({
    ...profile,
    country,
    profileHash,
    firstName: personalField(event.command, 'firstName') ?? profile.firstName,
    lastName: personalField(event.command, 'lastName') ?? profile.lastName,
    updatedAt: event.at,
  });
};
