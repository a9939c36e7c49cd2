import { commandStatuses, commandTypes } from '@gx/schema';
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { ledgerTransactions } from './ledgerTransactions.js';
import { oneOf } from './oneOf.js';

/**
 * The outbox and the command record in one row: the api inserts it, the submitter claims and
 * advances it, the projector finishes it. `seq` is assigned under the aggregate's advisory lock,
 * so per aggregate it is commit order.
 *
 * The idempotency index (unique on (requester_id, idempotency_key) NULLS NOT DISTINCT where a key
 * is given) is in migration 0001: drizzle cannot declare NULLS NOT DISTINCT on a partial index.
 */
export const commands = pgTable(
  'commands',
  {
    id: uuid('id').primaryKey(),
    seq: bigserial('seq', { mode: 'bigint' }).notNull().unique(),
    type: text('type').notNull(),
    status: text('status').notNull().default('ACCEPTED'),
    /** The ordering key (design, "Commands" table). */
    aggregateId: uuid('aggregate_id').notNull(),
    /** Other keys the command writes on the ledger; no two transactions in flight share a key. */
    touches: uuid('touches').array().notNull().default(sql`'{}'::uuid[]`),
    /** Everything the mutation received but the password; only its ledger arguments go on chain. */
    payload: jsonb('payload').notNull(),
    /** The profile that sent it; null for a registration. */
    requesterId: uuid('requester_id'),
    idempotencyKey: text('idempotency_key'),
    /** HMAC of the canonical payload, to tell a replay from a conflicting reuse of a key. */
    fingerprint: text('fingerprint'),
    correlationId: text('correlation_id').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lockedBy: text('locked_by'),
    lockedAt: timestamp('locked_at', { withTimezone: true, mode: 'date' }),
    /** When a submitter last picked it up: accepted → claimed is the time spent waiting in the queue. */
    claimedAt: timestamp('claimed_at', { withTimezone: true, mode: 'date' }),
    ledgerTxId: text('ledger_tx_id').references(() => ledgerTransactions.txId),
    blockNumber: bigint('block_number', { mode: 'bigint' }),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    committedAt: timestamp('committed_at', { withTimezone: true, mode: 'date' }),
    projectedAt: timestamp('projected_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    check('commands_type_check', oneOf(t.type, commandTypes)),
    check('commands_status_check', oneOf(t.status, commandStatuses)),
    // The submitter's claim walks this in seq order (per-aggregate order): unclaimed rows only, so
    // the thousands of rows in flight are never read and skipped. Stale leases are cleared first.
    index('commands_claimable_idx')
      .on(t.seq)
      .where(sql`${t.status} in ('ACCEPTED', 'SUBMITTED', 'RETRYING') and ${t.lockedBy} is null`),
    index('commands_aggregate_in_flight_idx')
      .on(t.aggregateId, t.seq)
      .where(sql`${t.status} in ('ACCEPTED', 'SUBMITTED', 'RETRYING')`),
    // Leases held on commands in flight: the claim's busy keys and the stale-lease sweep. Both of
    // their predicates are in the index's, so the claim's prepared statement keeps this plan
    // whatever the statistics were when its generic plan was chosen.
    index('commands_leased_idx')
      .on(t.lockedAt)
      .where(sql`${t.lockedBy} is not null and ${t.status} in ('ACCEPTED', 'SUBMITTED', 'RETRYING')`),
    // Commands waiting out a retry's backoff, unclaimed: the claim reads them as blockers on every
    // wake. Read through the status index (or the claimable one, as the planner chose after a
    // bulk load), that walked every waiting command: 10-15 ms a claim behind a backlog of 15,000.
    index('commands_backing_off_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'RETRYING' and ${t.lockedBy} is null`),
    index('commands_requester_idx').on(t.requesterId, t.seq),
    // Every update of a command is a new row version with an entry in each index whose predicate
    // it meets, and a command goes through four or five versions. A command is looked for by status
    // (an admin's list) mostly when something went wrong, so only the statuses off the happy path
    // are here; the others are found through the partial indexes of commands in flight and
    // committed, or are most of the table (PROJECTED): see the api's `listCommands`.
    index('commands_troubled_idx')
      .on(t.status, t.seq)
      .where(sql`${t.status} in ('RETRYING', 'REJECTED', 'DEAD')`),
    // Only recorded commands have a transaction to be found by.
    index('commands_ledger_tx_idx').on(t.ledgerTxId).where(sql`${t.ledgerTxId} is not null`),
    index('commands_committed_unprojected_idx').on(t.committedAt).where(sql`${t.status} = 'COMMITTED'`),
  ],
);

export type CommandRow = typeof commands.$inferSelect;
export type NewCommandRow = typeof commands.$inferInsert;
