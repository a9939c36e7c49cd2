import type { KycStatus } from '@gx/schema';
import { type Handler, personalField } from './types.js';

const outcome = { APPROVE: 'APPROVED', REJECT: 'REJECTED' } as const satisfies Record<string, KycStatus>;

/**
 * KYC APPROVED or REJECTED, keeping the submitted document; the reason text comes from the
 * REVIEW_KYC command row (the ledger has only its hash).
 */
export const kycReviewed: Handler<'KycReviewed'> = async (event, tx) => {
  const { profileId, decision } = event.payload;
  const status = outcome[decision];
  const submitted = tx.kyc(profileId);
  tx.saveKyc({
    profileId,
    status,
    documentType: submitted?.documentType ?? null,
    documentHash: submitted?.documentHash ?? null,
    reason: personalField(event.command, 'reason'),
    submittedAt: submitted?.submittedAt ?? null,
    reviewedAt: event.at,
    updatedAt: event.at,
  });
  const profile = tx.profile(profileId);
  if (profile) tx.saveProfile({ ...profile, kycStatus: status, updatedAt: event.at });
};
