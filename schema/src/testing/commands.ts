import { randomUUID } from 'node:crypto';
import type { CommandPayload } from '../commands.js';
import type { CommandType } from '../enums.js';

/** Commands as the api writes them (a full payload per type, fresh ids), for tests and benchmarks. */
export interface TestCommand<T extends CommandType = CommandType> {
  id: string;
  type: T;
  payload: CommandPayload<T>;
}

export interface TestUser {
  profileId: string;
  walletId: string;
}

const hash = (digit: string) => digit.repeat(64);

export const newUser = (): TestUser => ({ profileId: randomUUID(), walletId: randomUUID() });

export function register(user: TestUser): TestCommand<'REGISTER'> {
  return {
    id: randomUUID(),
    type: 'REGISTER',
    payload: {
      ...user,
      email: `${user.profileId}@example.com`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      accountType: 'INDIVIDUAL',
      profileHash: hash('a'),
    },
  };
}

export const mint = (to: TestUser, amount: string): TestCommand<'MINT'> => ({
  id: randomUUID(),
  type: 'MINT',
  payload: { toProfileId: to.profileId, toWalletId: to.walletId, amount },
});

export const transfer = (from: TestUser, to: TestUser, amount: string): TestCommand<'TRANSFER'> => ({
  id: randomUUID(),
  type: 'TRANSFER',
  payload: {
    fromProfileId: from.profileId,
    fromWalletId: from.walletId,
    toProfileId: to.profileId,
    toWalletId: to.walletId,
    amount,
    memo: null,
  },
});

export const updateProfile = (user: TestUser): TestCommand<'UPDATE_PROFILE'> => ({
  id: randomUUID(),
  type: 'UPDATE_PROFILE',
  payload: {
    profileId: user.profileId,
    firstName: 'Ada',
    lastName: 'King',
    country: 'GB',
    profileHash: hash('b'),
  },
});

export const submitKyc = (user: TestUser): TestCommand<'SUBMIT_KYC'> => ({
  id: randomUUID(),
  type: 'SUBMIT_KYC',
  payload: { profileId: user.profileId, documentType: 'PASSPORT', documentHash: hash('c') },
});
