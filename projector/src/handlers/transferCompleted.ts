import { transactions, wallets } from '@gx/db';
import { sql } from 'drizzle-orm';
import { type Handler, personalField } from './types.js';

/**
 * Both balances set from the event (never computed), each only if the wallet has seen no later
 * block, and one transaction row per side: IN for the recipient, OUT for the sender; a mint has no
 * sender. The memo comes from the TRANSFER command row. Profiles come from the wallets, or from the
 * command row for a wallet the read model lacks.
 */
export const transferCompleted: Handler<'TransferCompleted'> = async (event, tx) => {
  const { at } = event;
  const { commandId, fromWalletId, toWalletId, amount, fromBalance, toBalance } = event.payload;
  const block = event.blockNumber;
  await tx.execute(sql`
    with to_wallet as (
      update ${wallets} set balance = ${toBalance}::numeric, block_number = ${block}, updated_at = ${at}
      where id = ${toWalletId} and block_number <= ${block}
    ),
    from_wallet as (
      update ${wallets} set balance = ${fromBalance}::numeric, block_number = ${block}, updated_at = ${at}
      where id = ${fromWalletId}::uuid and block_number <= ${block}
    ),
    sides (wallet_id, direction, counterparty_wallet_id, profile_hint, counterparty_hint) as (
      values
        (${toWalletId}::uuid, 'IN', ${fromWalletId}::uuid,
          ${personalField(event.command, 'toProfileId')}::uuid, ${personalField(event.command, 'fromProfileId')}::uuid),
        (${fromWalletId}::uuid, 'OUT', ${toWalletId}::uuid,
          ${personalField(event.command, 'fromProfileId')}::uuid, ${personalField(event.command, 'toProfileId')}::uuid)
    )
    insert into ${transactions} (command_id, wallet_id, profile_id, fabric_tx_id, block_number, direction,
      amount, counterparty_profile_id, counterparty_wallet_id, memo, created_at)
    select ${commandId}, s.wallet_id, coalesce(w.profile_id, s.profile_hint), ${event.transactionId}, ${block},
      s.direction, ${amount}::numeric, coalesce(cw.profile_id, s.counterparty_hint), s.counterparty_wallet_id,
      ${personalField(event.command, 'memo')}, ${at}
    from sides s
    left join ${wallets} w on w.id = s.wallet_id
    left join ${wallets} cw on cw.id = s.counterparty_wallet_id
    where s.wallet_id is not null and coalesce(w.profile_id, s.profile_hint) is not null
    on conflict (command_id, direction) do nothing`);
};
