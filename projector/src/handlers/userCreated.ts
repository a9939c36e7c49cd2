import { type Handler, personalField } from './types.js';

/**
 * A profile, ACTIVE with KYC NONE, with the e-mail and names of the REGISTER command row (empty
 * without one), and its wallet with balance 0. A profile or wallet already there stays as it is.
 */
export const userCreated: Handler<'UserCreated'> = async (event, tx) => {
  const { profileId, walletId, country, accountType, profileHash } = event.payload;
  const text = (name: string) => personalField(event.command, name) ?? '';
  if (!tx.profile(profileId)) {
    tx.saveProfile({
      id: profileId,
      walletId,
      email: text('email'),
      firstName: text('firstName'),
      lastName: text('lastName'),
      country,
      accountType,
      status: 'ACTIVE',
      kycStatus: 'NONE',
      profileHash,
      createdAt: event.at,
      updatedAt: event.at,
    });
  }
  if (!tx.wallet(walletId)) {
    tx.saveWallet({
      id: walletId,
      profileId,
      balance: '0',
      blockNumber: event.blockNumber,
      updatedAt: event.at,
    });
  }
};
