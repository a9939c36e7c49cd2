import { randomUUID } from 'node:crypto';
import type { Db } from '@gx/db';
import { type CommandPayload, type CommandType, commandKeys } from '@gx/schema';
import { sql } from 'drizzle-orm';

export interface BenchUser {
  profileId: string;
  walletId: string;
}

export interface BenchCommand {
  id: string;
  type: CommandType;
  payload: CommandPayload;
}

const hash = (digit: string) => digit.repeat(64);

export const newUser = (): BenchUser => ({ profileId: randomUUID(), walletId: randomUUID() });

export function registration(user: BenchUser): BenchCommand {
  return {
    id: randomUUID(),
    type: 'REGISTER',
    payload: {
      ...user,
      email: `${user.profileId}@example.com`,
      firstName: 'Bench',
      lastName: 'User',
      country: 'DE',
      accountType: 'INDIVIDUAL',
      profileHash: hash('a'),
    },
  };
}

export const minting = (to: BenchUser, amount: string): BenchCommand => ({
  id: randomUUID(),
  type: 'MINT',
  payload: { toProfileId: to.profileId, toWalletId: to.walletId, amount },
});

export const transferring = (from: BenchUser, to: BenchUser, amount: string): BenchCommand => ({
  id: randomUUID(),
  type: 'TRANSFER',
  payload: {
    fromProfileId: from.profileId,
    fromWalletId: from.walletId,
    toProfileId: to.profileId,
    toWalletId: to.walletId,
    amount,
    memo: null,
  },
});

export const profileUpdate = (user: BenchUser): BenchCommand => ({
  id: randomUUID(),
  type: 'UPDATE_PROFILE',
  payload: {
    profileId: user.profileId,
    firstName: 'Bench',
    lastName: 'Updated',
    country: 'FR',
    profileHash: hash('b'),
  },
});

export const kycSubmission = (user: BenchUser): BenchCommand => ({
  id: randomUUID(),
  type: 'SUBMIT_KYC',
  payload: { profileId: user.profileId, documentType: 'PASSPORT', documentHash: hash('c') },
});

/** Inserts command rows in order, in chunks, as accepted commands. */
export async function insertCommands(db: Db, commands: readonly BenchCommand[]): Promise<void> {
  for (let i = 0; i < commands.length; i += 1_000) {
    const rows = commands.slice(i, i + 1_000).map((c) => {
      const keys = commandKeys(c.type, c.payload);
      return sql`(${c.id}::uuid, ${c.type}, ${keys.aggregateId}::uuid, ${`{${keys.touches.join(',')}}`}::uuid[], ${JSON.stringify(c.payload)}::jsonb, ${`bench-${c.id.slice(0, 8)}`})`;
    });
    await db.execute(sql`
      insert into commands (id, type, aggregate_id, touches, payload, correlation_id)
      values ${sql.join(rows, sql`, `)}`);
  }
}
