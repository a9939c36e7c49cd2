import { randomUUID } from 'node:crypto';
import { commands, type Db, lockAggregate } from '@gx/db';
import { type CommandPayload, type CommandType, commandKeys } from '@gx/schema';

/** Command rows as the api writes them, for tests: a full payload per type, fresh ids. */
export interface TestCommand<T extends CommandType = CommandType> {
  id: string;
  type: T;
  payload: CommandPayload<T>;
}

const hash = (digit: string) => digit.repeat(64);

export interface TestUser {
  profileId: string;
  walletId: string;
}

export function newUser(): TestUser {
  return { profileId: randomUUID(), walletId: randomUUID() };
}

export function register(user: TestUser): TestCommand<'REGISTER'> {
  return {
    id: randomUUID(),
    type: 'REGISTER',
    payload: {
      ...user,
      email: `${user.profileId}@example.com`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      country: 'GB',
      accountType: 'INDIVIDUAL',
      profileHash: hash('a'),
    },
  };
}

export function mint(to: TestUser, amount: string): TestCommand<'MINT'> {
  return {
    id: randomUUID(),
    type: 'MINT',
    payload: { toProfileId: to.profileId, toWalletId: to.walletId, amount },
  };
}

export function transfer(from: TestUser, to: TestUser, amount: string): TestCommand<'TRANSFER'> {
  return {
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
  };
}

export function updateProfile(user: TestUser): TestCommand<'UPDATE_PROFILE'> {
  return {
    id: randomUUID(),
    type: 'UPDATE_PROFILE',
    payload: {
      profileId: user.profileId,
      firstName: 'Ada',
      lastName: 'King',
      country: 'GB',
      profileHash: hash('b'),
    },
  };
}

export function submitKyc(user: TestUser): TestCommand<'SUBMIT_KYC'> {
  return {
    id: randomUUID(),
    type: 'SUBMIT_KYC',
    payload: { profileId: user.profileId, documentType: 'PASSPORT', documentHash: hash('c') },
  };
}

/** Inserts commands in the given order, each under its aggregate's lock, as the api does. */
export async function accept(db: Db, list: readonly TestCommand[]): Promise<void> {
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    await db.transaction(async (tx) => {
      for (const command of new Set(chunk.map((c) => commandKeys(c.type, c.payload).aggregateId))) {
        await lockAggregate(tx, command);
      }
      await tx.insert(commands).values(
        chunk.map((c) => {
          const keys = commandKeys(c.type, c.payload);
          return {
            id: c.id,
            type: c.type,
            aggregateId: keys.aggregateId,
            touches: keys.touches,
            payload: c.payload,
            correlationId: `test-${c.id.slice(0, 8)}`,
          };
        }),
      );
    });
  }
}
