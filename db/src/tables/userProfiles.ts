import { accountTypes, kycStatuses, userStatuses } from '@gx/schema';
import { check, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from './oneOf.js';

/** Read model: a profile as projected from UserCreated / ProfileUpdated / KYC events. */
export const userProfiles = pgTable(
  'user_profiles',
  {
    id: uuid('id').primaryKey(),
    walletId: uuid('wallet_id').notNull().unique(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull(),
    lastName: text('last_name').notNull(),
    country: text('country').notNull(),
    accountType: text('account_type').notNull(),
    status: text('status').notNull().default('ACTIVE'),
    kycStatus: text('kyc_status').notNull().default('NONE'),
    profileHash: text('profile_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    check('user_profiles_account_type_check', oneOf(t.accountType, accountTypes)),
    check('user_profiles_status_check', oneOf(t.status, userStatuses)),
    check('user_profiles_kyc_status_check', oneOf(t.kycStatus, kycStatuses)),
  ],
);
