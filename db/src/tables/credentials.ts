import { roles } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { check, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { oneOf } from './oneOf.js';

/** Off-chain only: the login e-mail, the bcrypt hash and the role. Never on the ledger. */
export const credentials = pgTable(
  'credentials',
  {
    profileId: uuid('profile_id').primaryKey(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').notNull().default('USER'),
    /** The REGISTER command; while it is not projected the account cannot log in. */
    registerCommandId: uuid('register_command_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('credentials_email_idx').on(sql`lower(${t.email})`),
    // A rejected registration frees its e-mail by deleting its row (submitter and projector): by
    // this index, not a scan of every account.
    uniqueIndex('credentials_register_command_idx').on(t.registerCommandId),
    check('credentials_role_check', oneOf(t.role, roles)),
  ],
);
