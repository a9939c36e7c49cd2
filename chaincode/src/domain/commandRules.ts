import type { CommandType } from '@gx/schema';
import { createUser } from './createUser.js';
import type { CommandRule } from './decision.js';
import { mint } from './mint.js';
import { reviewKyc } from './reviewKyc.js';
import { submitKyc } from './submitKyc.js';
import { transfer } from './transfer.js';
import { updateProfile } from './updateProfile.js';

/** Command type → its business rule: the one place that dispatches on the type. */
export const commandRules: { [T in CommandType]: CommandRule<T> } = {
  REGISTER: createUser,
  UPDATE_PROFILE: updateProfile,
  SUBMIT_KYC: submitKyc,
  REVIEW_KYC: reviewKyc,
  MINT: mint,
  TRANSFER: transfer,
};
