import { commands, kycVerifications, userProfiles, uuidArray, wallets } from '@gx/db';
import type { KycStatus } from '@gx/schema';
import { sql } from 'drizzle-orm';
import type { CommandRecord } from '../handlers/index.js';
import type { KycRow, ProfileRow, WalletRow } from '../model/rows.js';
import { rows, type Statements } from './statements.js';

export interface GroupRows {
  /** The command rows behind the events, by id: personal fields and acceptance times. */
  commands: Map<string, CommandRecord>;
  profiles: ProfileRow[];
  kyc: KycRow[];
  wallets: WalletRow[];
}

/**
 * Everything a group of events reads, in one statement: its command rows, and the profiles, KYC
 * rows and wallets it touches, by key, from the read-model tables the search path finds first (the
 * live ones, or a rebuild's). Timestamps come back as Postgres writes them and go back unchanged.
 */
export async function loadGroup(
  tx: Statements,
  commandIds: readonly string[],
  profileIds: readonly string[],
  walletIds: readonly string[],
): Promise<GroupRows> {
  const [row] = await rows<{ commands: string; profiles: string; kyc: string; wallets: string }>(
    tx,
    sql`
    select
      (select coalesce(json_agg(json_build_object('id', id, 'type', type, 'payload', payload,
          'createdAt', created_at::text)), '[]')::text
        from ${commands} where id = any(${uuidArray(commandIds)}::uuid[])) as commands,
      (select coalesce(json_agg(json_build_object('id', id, 'walletId', wallet_id, 'email', email,
          'firstName', first_name, 'lastName', last_name, 'country', country, 'accountType', account_type,
          'status', status, 'kycStatus', kyc_status, 'profileHash', profile_hash,
          'createdAt', created_at::text, 'updatedAt', updated_at::text)), '[]')::text
        from ${userProfiles} where id = any(${uuidArray(profileIds)}::uuid[])) as profiles,
      (select coalesce(json_agg(json_build_object('profileId', profile_id, 'status', status,
          'documentType', document_type, 'documentHash', document_hash, 'reason', reason,
          'submittedAt', submitted_at::text, 'reviewedAt', reviewed_at::text, 'updatedAt', updated_at::text)),
          '[]')::text
        from ${kycVerifications} where profile_id = any(${uuidArray(profileIds)}::uuid[])) as kyc,
      (select coalesce(json_agg(json_build_object('id', id, 'profileId', profile_id, 'balance', balance::text,
          'blockNumber', block_number::text, 'updatedAt', updated_at::text)), '[]')::text
        from ${wallets} where id = any(${uuidArray(walletIds)}::uuid[])) as wallets`,
  );
  const parse = <T>(text: string | undefined) => JSON.parse(text ?? '[]') as T[];
  const commandRows = parse<CommandRecord>(row?.commands);
  return {
    commands: new Map(
      commandRows.map((c) => [c.id, { ...c, payload: isRecord(c.payload) ? c.payload : {} }] as const),
    ),
    profiles: parse<ProfileRow & { kycStatus: KycStatus }>(row?.profiles),
    kyc: parse<KycRow>(row?.kyc),
    wallets: parse<Omit<WalletRow, 'blockNumber'> & { blockNumber: string }>(row?.wallets).map((w) => ({
      ...w,
      blockNumber: BigInt(w.blockNumber),
    })),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
