import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockAggregate } from './aggregateLock.js';
import { commands } from './tables/index.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const command = (aggregateId: string, overrides: Partial<typeof commands.$inferInsert> = {}) => ({
  id: randomUUID(),
  type: 'UPDATE_PROFILE',
  aggregateId,
  payload: {},
  correlationId: 'test',
  ...overrides,
});

describe('lockAggregate', () => {
  it('makes seq order the commit order of one aggregate', async () => {
    const aggregateId = randomUUID();
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHoldsLock = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let lockTaken!: () => void;
    const taken = new Promise<void>((resolve) => {
      lockTaken = resolve;
    });

    const first = database.db.transaction(async (tx) => {
      await lockAggregate(tx, aggregateId);
      lockTaken();
      await firstHoldsLock;
      await tx.insert(commands).values(command(aggregateId, { correlationId: 'first' }));
      order.push('first');
    });
    await taken;
    const second = database.db.transaction(async (tx) => {
      await lockAggregate(tx, aggregateId);
      await tx.insert(commands).values(command(aggregateId, { correlationId: 'second' }));
      order.push('second');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(order).toEqual([]); // the second waits for the first's lock
    releaseFirst();
    await Promise.all([first, second]);

    const rows = await database.db
      .select({ correlationId: commands.correlationId })
      .from(commands)
      .where(sql`${commands.aggregateId} = ${aggregateId}`)
      .orderBy(commands.seq);
    expect(rows.map((r) => r.correlationId)).toEqual(['first', 'second']);
  });

  it('does not hold up other aggregates', async () => {
    const a = randomUUID();
    const b = randomUUID();
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holder = database.db.transaction(async (tx) => {
      await lockAggregate(tx, a);
      await held;
    });
    await database.db.transaction(async (tx) => {
      await lockAggregate(tx, b);
      await tx.insert(commands).values(command(b));
    });
    release();
    await holder;
  });
});

describe('idempotency index', () => {
  it('keeps one command per requester and key, anonymous registrations included', async () => {
    const requester = randomUUID();
    await database.db
      .insert(commands)
      .values(command(randomUUID(), { requesterId: requester, idempotencyKey: 'k1' }));
    await expect(
      database.db
        .insert(commands)
        .values(command(randomUUID(), { requesterId: requester, idempotencyKey: 'k1' })),
    ).rejects.toMatchObject({ cause: { code: '23505' } });

    await database.db
      .insert(commands)
      .values(command(randomUUID(), { requesterId: null, idempotencyKey: 'anon' }));
    await expect(
      database.db
        .insert(commands)
        .values(command(randomUUID(), { requesterId: null, idempotencyKey: 'anon' })),
    ).rejects.toMatchObject({ cause: { code: '23505' } });
  });

  it('lets the same key serve different requesters, and keyless commands never collide', async () => {
    await database.db
      .insert(commands)
      .values(command(randomUUID(), { requesterId: randomUUID(), idempotencyKey: 'shared' }));
    await database.db
      .insert(commands)
      .values(command(randomUUID(), { requesterId: randomUUID(), idempotencyKey: 'shared' }));
    await database.db.insert(commands).values(command(randomUUID(), { requesterId: null }));
    await database.db.insert(commands).values(command(randomUUID(), { requesterId: null }));
  });

  it('refuses a status or type outside the schema', async () => {
    await expect(
      database.db.insert(commands).values(command(randomUUID(), { status: 'LOST' })),
    ).rejects.toMatchObject({ cause: { code: '23514' } });
    await expect(
      database.db.insert(commands).values(command(randomUUID(), { type: 'DELETE_EVERYTHING' })),
    ).rejects.toMatchObject({ cause: { code: '23514' } });
  });
});
