import { bigint, check, customType, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { oneOf } from './oneOf.js';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * A Fabric transaction as built and signed, recorded before its first submission so that after
 * a fault the same envelope (same id) is resubmitted or looked up, never rebuilt.
 */
export const ledgerTransactionStatuses = ['PREPARED', 'SUBMITTED', 'COMMITTED', 'INVALID'] as const;

export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    txId: text('tx_id').primaryKey(),
    /** The signed envelope, exactly as submitted; stored uncompressed (migration 0011). */
    envelope: bytea('envelope').notNull(),
    /** INVALID: committed with a validation code other than VALID. */
    status: text('status').notNull().default('PREPARED'),
    validationCode: integer('validation_code'),
    blockNumber: bigint('block_number', { mode: 'bigint' }),
    commandCount: integer('command_count').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('ledger_transactions_status_check', oneOf(t.status, ledgerTransactionStatuses))],
);

export type LedgerTransactionRow = typeof ledgerTransactions.$inferSelect;
