import type { Handler } from './types.js';

/** The profile's KYC becomes PENDING with the submitted document; an earlier review is cleared. */
export const kycSubmitted: Handler<'KycSubmitted'> = async (event, tx) => {
  const { profileId, documentType, documentHash } = event.payload;
  tx.saveKyc({
    profileId,
    status: 'PENDING',
    documentType,
    documentHash,
    reason: null,
    submittedAt: event.at,
    reviewedAt: null,
    updatedAt: event.at,
  });
  const profile = tx.profile(profileId);
  if (profile) tx.saveProfile({ ...profile, kycStatus: 'PENDING', updatedAt: event.at });
};
