import { type DbTransaction, kycVerifications, userProfiles, wallets } from '@gx/db';
import type { KycStatus } from '@gx/schema';
import { sql } from 'drizzle-orm';
import type { KycRow, ProfileRow, WalletRow } from '../model/rows.js';
import { uuidArray } from './uuidArray.js';

/**
 * The profiles, KYC rows and wallets a group of events touches, by key, from the tables the search
 * path finds first (the live ones, or a rebuild's). Timestamps come back as text and stay so.
 */
export async function loadReadModels(
  tx: DbTransaction,
  profileIds: readonly string[],
  walletIds: readonly string[],
): Promise<{ profiles: ProfileRow[]; wallets: WalletRow[]; kyc: KycRow[] }> {
  const profiles =
    profileIds.length === 0
      ? []
      : await tx.execute<Record<string, string>>(sql`
          select id, wallet_id, email, first_name, last_name, country, account_type, status, kyc_status,
            profile_hash, created_at::text, updated_at::text
          from ${userProfiles} where id = any(${uuidArray(profileIds)}::uuid[])`);
  const kyc =
    profileIds.length === 0
      ? []
      : await tx.execute<Record<string, string | null>>(sql`
          select profile_id, status, document_type, document_hash, reason, submitted_at::text,
            reviewed_at::text, updated_at::text
          from ${kycVerifications} where profile_id = any(${uuidArray(profileIds)}::uuid[])`);
  const walletRows =
    walletIds.length === 0
      ? []
      : await tx.execute<Record<string, string>>(sql`
          select id, profile_id, balance::text, block_number::text, updated_at::text
          from ${wallets} where id = any(${uuidArray(walletIds)}::uuid[])`);
  return {
    profiles: profiles.map((r) => ({
      id: r.id!,
      walletId: r.wallet_id!,
      email: r.email!,
      firstName: r.first_name!,
      lastName: r.last_name!,
      country: r.country!,
      accountType: r.account_type!,
      status: r.status!,
      kycStatus: r.kyc_status as KycStatus,
      profileHash: r.profile_hash!,
      createdAt: r.created_at!,
      updatedAt: r.updated_at!,
    })),
    wallets: walletRows.map((r) => ({
      id: r.id!,
      profileId: r.profile_id!,
      balance: r.balance!,
      blockNumber: BigInt(r.block_number!),
      updatedAt: r.updated_at!,
    })),
    kyc: kyc.map((r) => ({
      profileId: r.profile_id!,
      status: r.status as KycStatus,
      documentType: r.document_type ?? null,
      documentHash: r.document_hash ?? null,
      reason: r.reason ?? null,
      submittedAt: r.submitted_at ?? null,
      reviewedAt: r.reviewed_at ?? null,
      updatedAt: r.updated_at!,
    })),
  };
}
