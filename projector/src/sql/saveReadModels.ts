import { kycVerifications, prepared, transactions, userProfiles, wallets } from '@gx/db';
import { sql } from 'drizzle-orm';
import type { KycRow, ProfileRow, TransactionRow, WalletRow } from '../model/rows.js';
import type { Statements } from './statements.js';

/**
 * Writes a group's read-model changes in one statement: an upsert per table with the final rows
 * (each table's rows a JSON array bound as one parameter), and the transaction rows in ledger order,
 * each (command, direction) once. Unqualified table names, so a rebuild's search path sends them to
 * its own tables.
 */
export async function saveReadModels(
  tx: Statements,
  changes: { profiles: ProfileRow[]; wallets: WalletRow[]; kyc: KycRow[]; transactions: TransactionRow[] },
): Promise<void> {
  if (
    changes.profiles.length + changes.wallets.length + changes.kyc.length + changes.transactions.length ===
    0
  ) {
    return;
  }
  const profiles = JSON.stringify(
    changes.profiles.map((p) => ({
      id: p.id,
      wallet_id: p.walletId,
      email: p.email,
      first_name: p.firstName,
      last_name: p.lastName,
      country: p.country,
      account_type: p.accountType,
      status: p.status,
      kyc_status: p.kycStatus,
      profile_hash: p.profileHash,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
    })),
  );
  const walletRows = JSON.stringify(
    changes.wallets.map((w) => ({
      id: w.id,
      profile_id: w.profileId,
      balance: w.balance,
      block_number: w.blockNumber.toString(),
      updated_at: w.updatedAt,
    })),
  );
  const kyc = JSON.stringify(
    changes.kyc.map((k) => ({
      profile_id: k.profileId,
      status: k.status,
      document_type: k.documentType,
      document_hash: k.documentHash,
      reason: k.reason,
      submitted_at: k.submittedAt,
      reviewed_at: k.reviewedAt,
      updated_at: k.updatedAt,
    })),
  );
  const moves = JSON.stringify(
    changes.transactions.map((t, position) => ({
      position,
      command_id: t.commandId,
      wallet_id: t.walletId,
      profile_id: t.profileId,
      fabric_tx_id: t.fabricTxId,
      block_number: t.blockNumber.toString(),
      direction: t.direction,
      amount: t.amount,
      counterparty_profile_id: t.counterpartyProfileId,
      counterparty_wallet_id: t.counterpartyWalletId,
      memo: t.memo,
      created_at: t.createdAt,
    })),
  );
  await tx.execute(
    sql`
    with saved_profiles as (
      insert into ${userProfiles} (id, wallet_id, email, first_name, last_name, country, account_type, status,
        kyc_status, profile_hash, created_at, updated_at)
      select * from jsonb_to_recordset(${profiles}::jsonb) as r(id uuid, wallet_id uuid, email text,
        first_name text, last_name text, country text, account_type text, status text, kyc_status text,
        profile_hash text, created_at timestamptz, updated_at timestamptz)
      on conflict (id) do update set wallet_id = excluded.wallet_id, email = excluded.email,
        first_name = excluded.first_name, last_name = excluded.last_name, country = excluded.country,
        account_type = excluded.account_type, status = excluded.status, kyc_status = excluded.kyc_status,
        profile_hash = excluded.profile_hash, created_at = excluded.created_at, updated_at = excluded.updated_at
    ),
    saved_wallets as (
      insert into ${wallets} (id, profile_id, balance, block_number, updated_at)
      select * from jsonb_to_recordset(${walletRows}::jsonb)
        as r(id uuid, profile_id uuid, balance numeric, block_number bigint, updated_at timestamptz)
      on conflict (id) do update set profile_id = excluded.profile_id, balance = excluded.balance,
        block_number = excluded.block_number, updated_at = excluded.updated_at
    ),
    saved_kyc as (
      insert into ${kycVerifications} (profile_id, status, document_type, document_hash, reason, submitted_at,
        reviewed_at, updated_at)
      select * from jsonb_to_recordset(${kyc}::jsonb) as r(profile_id uuid, status text, document_type text,
        document_hash text, reason text, submitted_at timestamptz, reviewed_at timestamptz, updated_at timestamptz)
      on conflict (profile_id) do update set status = excluded.status, document_type = excluded.document_type,
        document_hash = excluded.document_hash, reason = excluded.reason, submitted_at = excluded.submitted_at,
        reviewed_at = excluded.reviewed_at, updated_at = excluded.updated_at
    )
    insert into ${transactions} (command_id, wallet_id, profile_id, fabric_tx_id, block_number, direction, amount,
      counterparty_profile_id, counterparty_wallet_id, memo, created_at)
    select command_id, wallet_id, profile_id, fabric_tx_id, block_number, direction, amount,
      counterparty_profile_id, counterparty_wallet_id, memo, created_at
    from jsonb_to_recordset(${moves}::jsonb) as r(position int, command_id uuid, wallet_id uuid, profile_id uuid,
      fabric_tx_id text, block_number bigint, direction text, amount numeric, counterparty_profile_id uuid,
      counterparty_wallet_id uuid, memo text, created_at timestamptz)
    order by position
    on conflict (command_id, direction) do nothing`,
    prepared,
  );
}
