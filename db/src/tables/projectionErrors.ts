import { bigint, bigserial, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Quarantined events: failed validation, skipped, kept for inspection. */
export const projectionErrors = pgTable(
  'projection_errors',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    blockNumber: bigint('block_number', { mode: 'bigint' }).notNull(),
    txId: text('tx_id').notNull(),
    eventName: text('event_name').notNull(),
    /** The raw payload as text: it may not even be JSON. */
    payload: text('payload').notNull(),
    reason: text('reason').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('projection_errors_block_idx').on(t.blockNumber)],
);
