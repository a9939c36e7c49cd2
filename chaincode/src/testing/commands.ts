import type { CommandType } from '@gx/schema';
import type { Caller } from '../domain/caller.js';
import type { CommandOf } from '../domain/decision.js';

/** Builders of valid commands for tests: ids are readable UUIDs, hashes fixed hex. */

let sequence = 0;

/** A fresh, valid v4 UUID whose last digits count up, e.g. `00000000-0000-4000-8000-000000000007`. */
export function nextId(): string {
  sequence += 1;
  return `00000000-0000-4000-8000-${sequence.toString().padStart(12, '0')}`;
}

export const hash = (digit: string) => digit.repeat(64);

export const operator: Caller = { mspId: 'GxMSP', operatorMspId: 'GxMSP' };
export const outsider: Caller = { mspId: 'OtherMSP', operatorMspId: 'GxMSP' };

export function command<T extends CommandType>(type: T, args: CommandOf<T>['args'], commandId = nextId()) {
  // TypeScript cannot narrow a union by a generic discriminant; the signature ties args to type.
  return { commandId, type, args } as CommandOf<T>;
}

export function registration(profileId = nextId(), walletId = nextId()) {
  return command('REGISTER', {
    profileId,
    walletId,
    country: 'DE',
    accountType: 'INDIVIDUAL',
    profileHash: hash('a'),
  });
}

export const minting = (toWalletId: string, amount: string) => command('MINT', { toWalletId, amount });

export const transferring = (fromWalletId: string, toWalletId: string, amount: string) =>
  command('TRANSFER', { fromWalletId, toWalletId, amount });

export const kycSubmission = (profileId: string) =>
  command('SUBMIT_KYC', { profileId, documentType: 'PASSPORT', documentHash: hash('d') });

export const kycReview = (profileId: string, decision: 'APPROVE' | 'REJECT') =>
  command('REVIEW_KYC', { profileId, decision, reasonHash: decision === 'REJECT' ? hash('e') : null });
