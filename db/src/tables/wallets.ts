import { sql } from 'drizzle-orm';
import { bigint, numeric, pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Read model. Balances are numeric(78,0): amounts have up to 30 digits and sums grow past that. */
export const wallets = pgTable('wallets', {
  id: uuid('id').primaryKey(),
  profileId: uuid('profile_id').notNull().unique(),
  balance: numeric('balance', { precision: 78, scale: 0 }).notNull().default('0'),
  /** Block of the last event applied, so a replayed older event cannot roll a balance back. */
  blockNumber: bigint('block_number', { mode: 'bigint' }).notNull().default(sql`0`),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
});
