import type { LedgerState } from './ledgerState.js';
import { readUser, readWallet, type UserRecord, type WalletRecord } from './records.js';
import { reject } from './rejection.js';

export async function requireUser(state: LedgerState, profileId: string): Promise<UserRecord> {
  return (await readUser(state, profileId)) ?? reject(`user ${profileId} does not exist`);
}

export async function requireWallet(state: LedgerState, walletId: string): Promise<WalletRecord> {
  return (await readWallet(state, walletId)) ?? reject(`wallet ${walletId} does not exist`);
}
