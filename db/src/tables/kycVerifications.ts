import { documentTypes, kycStatuses } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from './oneOf.js';

/** Read model: the latest KYC state of a profile; the review reason text stays off-chain. */
export const kycVerifications = pgTable(
  'kyc_verifications',
  {
    profileId: uuid('profile_id').primaryKey(),
    status: text('status').notNull(),
    documentType: text('document_type'),
    documentHash: text('document_hash'),
    reason: text('reason'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    check('kyc_verifications_status_check', oneOf(t.status, kycStatuses)),
    check(
      'kyc_verifications_document_type_check',
      sql`${t.documentType} is null or ${oneOf(t.documentType, documentTypes)}`,
    ),
  ],
);
