import type { CommandRule } from './decision.js';
import { requireUser } from './lookups.js';
import { userWrite } from './records.js';
import { reject } from './rejection.js';

/** SUBMIT_KYC: from NONE, or again after a REJECTED review; never while PENDING or once APPROVED. */
export const submitKyc: CommandRule<'SUBMIT_KYC'> = async (state, { commandId, args }) => {
  const user = await requireUser(state, args.profileId);
  if (user.kyc.status === 'PENDING') {
    reject(`KYC of user ${args.profileId} is PENDING: a submission is already awaiting review`);
  }
  if (user.kyc.status === 'APPROVED') {
    reject(`KYC of user ${args.profileId} is APPROVED: it cannot be submitted again`);
  }
  return {
    event: {
      name: 'KycSubmitted',
      payload: {
        commandId,
        profileId: args.profileId,
        documentType: args.documentType,
        documentHash: args.documentHash,
      },
    },
    writes: [
      userWrite({
        ...user,
        kyc: {
          status: 'PENDING',
          documentType: args.documentType,
          documentHash: args.documentHash,
          reasonHash: null,
        },
      }),
    ],
  };
};
