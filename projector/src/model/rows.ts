import type { KycStatus } from '@gx/schema';

/**
 * Read-model rows as the handlers see them. Timestamps stay Postgres text (`timestamptz`, to the
 * microsecond), so what is read is written back unchanged and a replay writes equal rows.
 */
export interface ProfileRow {
  id: string;
  walletId: string;
  email: string;
  firstName: string;
  lastName: string;
  country: string;
  accountType: string;
  status: string;
  kycStatus: KycStatus;
  profileHash: string;
  createdAt: string;
  updatedAt: string;
}

export interface WalletRow {
  id: string;
  profileId: string;
  balance: string;
  /** Block of the last event applied: an older event cannot roll the balance back. */
  blockNumber: bigint;
  updatedAt: string;
}

export interface KycRow {
  profileId: string;
  status: KycStatus;
  documentType: string | null;
  documentHash: string | null;
  reason: string | null;
  submittedAt: string | null;
  reviewedAt: string | null;
  updatedAt: string;
}

export interface TransactionRow {
  commandId: string;
  walletId: string;
  profileId: string;
  fabricTxId: string;
  blockNumber: bigint;
  direction: 'IN' | 'OUT';
  amount: string;
  counterpartyProfileId: string | null;
  counterpartyWalletId: string | null;
  memo: string | null;
  createdAt: string;
}
