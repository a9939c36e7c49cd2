import { transferDirections } from '@gx/schema';
import {
  bigint,
  bigserial,
  check,
  index,
  numeric,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { oneOf } from './oneOf.js';

/** Read model: one row per side of a transfer (a mint has only the IN side). */
export const transactions = pgTable(
  'transactions',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    commandId: uuid('command_id').notNull(),
    walletId: uuid('wallet_id').notNull(),
    profileId: uuid('profile_id').notNull(),
    fabricTxId: text('fabric_tx_id').notNull(),
    blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
    direction: text('direction').notNull(),
    amount: numeric('amount', { precision: 78, scale: 0 }).notNull(),
    counterpartyProfileId: uuid('counterparty_profile_id'),
    counterpartyWalletId: uuid('counterparty_wallet_id'),
    memo: text('memo'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    unique('transactions_command_side_key').on(t.commandId, t.direction),
    check('transactions_direction_check', oneOf(t.direction, transferDirections)),
    index('transactions_wallet_time_idx').on(t.walletId, t.createdAt.desc(), t.id.desc()),
    index('transactions_profile_time_idx').on(t.profileId, t.createdAt.desc(), t.id.desc()),
  ],
);
