import type { AccountType, DocumentType, KycStatus } from '@gx/schema';
import type { LedgerState } from './ledgerState.js';

/** The chaincode's world-state layout: one JSON record per user, wallet and command id. */

export interface KycRecord {
  status: KycStatus;
  documentType: DocumentType | null;
  documentHash: string | null;
  reasonHash: string | null;
}

export interface UserRecord {
  profileId: string;
  walletId: string;
  country: string;
  accountType: AccountType;
  profileHash: string;
  kyc: KycRecord;
}

export interface WalletRecord {
  walletId: string;
  profileId: string;
  /** Non-negative integer in the smallest unit, as a decimal string (it may outgrow a double). */
  balance: string;
}

/** The first outcome of a command id, so a repeat answers it and changes nothing. */
export type CommandRecord = { outcome: 'APPLIED' } | { outcome: 'REJECTED'; reason: string };

export interface StateWrite {
  key: string;
  value: UserRecord | WalletRecord | CommandRecord;
}

export const stateKeys = {
  user: (profileId: string) => `user:${profileId}`,
  wallet: (walletId: string) => `wallet:${walletId}`,
  command: (commandId: string) => `command:${commandId}`,
};

// Only this chaincode writes these keys, always through the writers below: the casts read back
// what they wrote.
export const readUser = async (state: LedgerState, profileId: string) =>
  (await state.get(stateKeys.user(profileId))) as UserRecord | undefined;

export const readWallet = async (state: LedgerState, walletId: string) =>
  (await state.get(stateKeys.wallet(walletId))) as WalletRecord | undefined;

export const readCommand = async (state: LedgerState, commandId: string) =>
  (await state.get(stateKeys.command(commandId))) as CommandRecord | undefined;

export const userWrite = (user: UserRecord): StateWrite => ({
  key: stateKeys.user(user.profileId),
  value: user,
});

export const walletWrite = (wallet: WalletRecord): StateWrite => ({
  key: stateKeys.wallet(wallet.walletId),
  value: wallet,
});

export const commandWrite = (commandId: string, record: CommandRecord): StateWrite => ({
  key: stateKeys.command(commandId),
  value: record,
});
