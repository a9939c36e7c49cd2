import type { Sql } from '@gx/db';

/** Every read-model row, serial ids aside, in a stable order: two snapshots are equal iff the models are. */
export async function snapshotModels(sql: Sql): Promise<Record<string, readonly unknown[]>> {
  return {
    user_profiles: await sql`select * from user_profiles order by id`,
    wallets: await sql`select * from wallets order by id`,
    kyc_verifications: await sql`select * from kyc_verifications order by profile_id`,
    transactions: await sql`
      select command_id, wallet_id, profile_id, fabric_tx_id, block_number, direction, amount,
        counterparty_profile_id, counterparty_wallet_id, memo, created_at
      from transactions order by command_id, direction`,
  };
}

export interface ModelHealth {
  profiles: number;
  wallets: number;
  moves: number;
  /** Sum of balances, and of minted amounts as the transaction rows show them. */
  total: string;
  minted: string;
  /** Wallets whose balance is not the sum of their transaction rows. */
  mismatched: number;
  /** Profiles without their wallet. */
  orphans: number;
}

/** One statement, so one snapshot: what a reader of the models sees at one moment. */
export async function modelHealth(sql: Sql): Promise<ModelHealth> {
  const [row] = await sql<ModelHealth[]>`
    select
      (select count(*) from user_profiles)::int as profiles,
      (select count(*) from wallets)::int as wallets,
      (select count(*) from transactions)::int as moves,
      (select coalesce(sum(balance), 0) from wallets)::text as total,
      (select coalesce(sum(amount), 0) from transactions where direction = 'IN' and counterparty_wallet_id is null)::text
        as minted,
      (select count(*) from wallets w
        where w.balance <> coalesce((select sum(case when t.direction = 'IN' then t.amount else -t.amount end)
                                     from transactions t where t.wallet_id = w.id), 0))::int as mismatched,
      (select count(*) from user_profiles p where not exists (select 1 from wallets w where w.id = p.wallet_id))::int
        as orphans`;
  return row!;
}
