import { userProfiles, wallets } from '@gx/db';
import { sql } from 'drizzle-orm';
import { type Handler, personalField } from './types.js';

/**
 * A profile, ACTIVE with KYC NONE, with the e-mail and names of the REGISTER command row (empty
 * without one), and its wallet with balance 0. A profile or wallet already there stays as it is.
 */
export const userCreated: Handler<'UserCreated'> = async (event, tx) => {
  const { at } = event;
  const { profileId, walletId, country, accountType, profileHash } = event.payload;
  const text = (name: string) => personalField(event.command, name) ?? '';
  await tx.execute(sql`
    with profile as (
      insert into ${userProfiles} (id, wallet_id, email, first_name, last_name, country, account_type,
        status, kyc_status, profile_hash, created_at, updated_at)
      values (${profileId}, ${walletId}, ${text('email')}, ${text('firstName')}, ${text('lastName')},
        ${country}, ${accountType}, 'ACTIVE', 'NONE', ${profileHash}, ${at}, ${at})
      on conflict (id) do nothing
    )
    insert into ${wallets} (id, profile_id, balance, block_number, updated_at)
    values (${walletId}, ${profileId}, 0, ${event.blockNumber}, ${at})
    on conflict (id) do nothing`);
};
