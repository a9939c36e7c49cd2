import { bigint, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Where a projection stands: the last block applied and the last of our transactions in it, so a
 * restart resumes strictly after it. Moved only by a compare-and-set on the previous position.
 */
export const projectorCheckpoints = pgTable('projector_checkpoints', {
  name: text('name').primaryKey(),
  blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
  txId: text('tx_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});
