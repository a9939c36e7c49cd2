import type { KycDecision, KycStatus } from '@gx/schema';
import { requireOperator } from './caller.js';
import type { CommandRule } from './decision.js';
import { requireUser } from './lookups.js';
import { userWrite } from './records.js';
import { reject } from './rejection.js';

const statusAfter: Record<KycDecision, KycStatus> = { APPROVE: 'APPROVED', REJECT: 'REJECTED' };

/** REVIEW_KYC: the operator decides on a PENDING submission. */
export const reviewKyc: CommandRule<'REVIEW_KYC'> = async (state, { commandId, type, args }, caller) => {
  requireOperator(caller, type);
  const user = await requireUser(state, args.profileId);
  if (user.kyc.status !== 'PENDING') {
    reject(`no PENDING KYC submission for user ${args.profileId} (KYC is ${user.kyc.status})`);
  }
  return {
    event: {
      name: 'KycReviewed',
      payload: { commandId, profileId: args.profileId, decision: args.decision, reasonHash: args.reasonHash },
    },
    writes: [
      userWrite({
        ...user,
        kyc: { ...user.kyc, status: statusAfter[args.decision], reasonHash: args.reasonHash },
      }),
    ],
  };
};
