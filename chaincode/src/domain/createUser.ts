import type { CommandRule } from './decision.js';
import { readUser, readWallet, type UserRecord, userWrite, walletWrite } from './records.js';
import { reject } from './rejection.js';

/** REGISTER: a user id and a wallet id each exist once; the wallet starts empty. */
export const createUser: CommandRule<'REGISTER'> = async (state, { commandId, args }) => {
  if (await readUser(state, args.profileId)) reject(`user ${args.profileId} already exists`);
  if (await readWallet(state, args.walletId)) reject(`wallet ${args.walletId} already exists`);
  const user: UserRecord = {
    profileId: args.profileId,
    walletId: args.walletId,
    country: args.country,
    accountType: args.accountType,
    profileHash: args.profileHash,
    kyc: { status: 'NONE', documentType: null, documentHash: null, reasonHash: null },
  };
  return {
    event: {
      name: 'UserCreated',
      payload: {
        commandId,
        profileId: args.profileId,
        walletId: args.walletId,
        country: args.country,
        accountType: args.accountType,
        profileHash: args.profileHash,
      },
    },
    writes: [
      userWrite(user),
      walletWrite({ walletId: args.walletId, profileId: args.profileId, balance: '0' }),
    ],
  };
};
