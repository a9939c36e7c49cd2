import { randomUUID } from 'node:crypto';
import { aggregateLockStatement } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { createLogger } from '@gx/runtime';
import type { CommandType } from '@gx/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandBatches, type CommandRow } from '../services/commandBatches.js';

let database: TestDatabase;
let batches: CommandBatches;

beforeAll(async () => {
  database = await createTestDatabase();
  batches = new CommandBatches(
    database.sql,
    createLogger({ service: 'test', level: 'silent', format: 'json' }),
  );
});
afterAll(async () => {
  await database?.drop();
});

function transferRow(from: string, overrides: Partial<CommandRow> = {}): CommandRow {
  const to = randomUUID();
  return {
    id: randomUUID(),
    type: 'TRANSFER',
    aggregateId: from,
    touches: [to],
    payload: { fromProfileId: from, toProfileId: to, amount: '1' } as unknown as CommandRow['payload'],
    requesterId: from,
    idempotencyKey: null,
    fingerprint: 'f',
    correlationId: randomUUID(),
    ...overrides,
  };
}

async function rowsOf(ids: readonly string[]) {
  return database.sql<{ id: string; seq: string; tx: string }[]>`
    select id, seq::text, xmin::text as tx from commands where id = any(${ids}::uuid[]) order by commands.seq`;
}

describe('CommandBatches', () => {
  it('writes the commands of one turn in one transaction, in the order they came', async () => {
    const sizes: number[] = [];
    const observed = new CommandBatches(
      database.sql,
      createLogger({ service: 'test', level: 'silent', format: 'json' }),
      {
        observe: (commands) => sizes.push(commands),
      },
    );
    const rows = Array.from({ length: 20 }, () => transferRow(randomUUID()));
    const inserted = await Promise.all(rows.map((row) => observed.insert(row)));
    expect(sizes).toEqual([20]);

    expect(inserted).toEqual(rows.map(() => true));
    const written = await rowsOf(rows.map((row) => row.id));
    expect(written.map((row) => row.id)).toEqual(rows.map((row) => row.id));
    expect(new Set(written.map((row) => row.tx)).size).toBe(1);
  });

  it("takes every aggregate's lock before it draws a seq: a locked aggregate holds the batch back", async () => {
    const held = randomUUID();
    const holder = await database.sql.reserve();
    try {
      await holder`begin`;
      await aggregateLockStatement(holder, held);
      let settled = false;
      const batch = Promise.all([
        batches.insert(transferRow(randomUUID())),
        batches.insert(transferRow(held)),
      ]).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);

      const first = transferRow(held);
      await holder`
        insert into commands (id, type, aggregate_id, payload, correlation_id)
        values (${first.id}, 'TRANSFER', ${held}, '{}'::jsonb, 'holder')`;
      await holder`commit`;
      expect(await batch).toEqual([true, true]);

      const [firstRow] = await rowsOf([first.id]);
      const [, second] = await database.sql<{ seq: string }[]>`
        select seq::text from commands where aggregate_id = ${held} order by commands.seq`;
      expect(BigInt(second!.seq)).toBeGreaterThan(BigInt(firstRow!.seq));
    } finally {
      holder.release();
    }
  });

  it('checks a row built on a profile against what the holder of its lock committed meanwhile', async () => {
    const profileId = randomUUID();
    await database.sql`
      insert into user_profiles (id, wallet_id, email, first_name, last_name, country, account_type,
                                 profile_hash, created_at, updated_at)
      values (${profileId}, ${randomUUID()}, 'p@example.com', 'Ada', 'Lovelace', 'GB', 'INDIVIDUAL', 'h',
              now(), now())`;
    const update = (firstName: string): CommandRow => ({
      ...transferRow(profileId),
      type: 'UPDATE_PROFILE',
      touches: [],
      payload: {
        profileId,
        firstName,
        lastName: 'Lovelace',
        country: 'GB',
      } as unknown as CommandRow['payload'],
      profileBuiltOn: { firstName: 'Ada', lastName: 'Lovelace', country: 'GB' },
    });
    const holder = await database.sql.reserve();
    try {
      await holder`begin`;
      await aggregateLockStatement(holder, profileId);
      const built = update('Augusta');
      const batch = batches.insert(built);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // the holder's update lands while the batch waits for the lock
      const first = update('Countess');
      await holder`
        insert into commands (id, type, aggregate_id, payload, correlation_id)
        values (${first.id}, 'UPDATE_PROFILE', ${profileId}, ${JSON.stringify(first.payload)}::text::jsonb, 'holder')`;
      await holder`commit`;

      expect(await batch).toBe(false);
      expect(await rowsOf([built.id])).toEqual([]);
    } finally {
      holder.release();
    }
    // built on the profile as it now is, it goes through
    const rebuilt = {
      ...update('Augusta'),
      profileBuiltOn: { firstName: 'Countess', lastName: 'Lovelace', country: 'GB' },
    };
    expect(await batches.insert(rebuilt)).toBe(true);
  });

  it('checks each row built on a profile in a batch by itself: a stale one is skipped, the others written', async () => {
    const names = { firstName: 'Ada', lastName: 'Lovelace', country: 'GB' };
    const [projected, stale, pending] = [randomUUID(), randomUUID(), randomUUID()];
    for (const profileId of [projected, stale, pending]) {
      await database.sql`
        insert into user_profiles (id, wallet_id, email, first_name, last_name, country, account_type,
                                   profile_hash, created_at, updated_at)
        values (${profileId}, ${randomUUID()}, ${`${profileId}@example.com`}, 'Ada', 'Lovelace', 'GB',
                'INDIVIDUAL', 'h', now(), now())`;
    }
    const update = (profileId: string, firstName: string, builtOn: CommandRow['profileBuiltOn']) => ({
      ...transferRow(profileId),
      type: 'UPDATE_PROFILE' as const,
      touches: [],
      payload: { profileId, ...names, firstName } as unknown as CommandRow['payload'],
      profileBuiltOn: builtOn,
    });
    // updates on their way that the batch's rows do not know of (`stale`) or build on (`pending`)
    for (const [profileId, firstName] of [
      [stale, 'Countess'],
      [pending, 'Augusta'],
    ] as const) {
      const earlier = update(profileId, firstName, undefined);
      await database.sql`
        insert into commands (id, type, aggregate_id, payload, correlation_id)
        values (${earlier.id}, 'UPDATE_PROFILE', ${profileId}, ${JSON.stringify(earlier.payload)}::text::jsonb, 'earlier')`;
    }
    const rows = [
      update(projected, 'Augusta', names),
      update(stale, 'Augusta', names),
      update(pending, 'Ada', { ...names, firstName: 'Augusta' }),
    ];

    expect(await Promise.all(rows.map((row) => batches.insert(row)))).toEqual([true, false, true]);
    const written = await rowsOf(rows.map((row) => row.id));
    expect(written.map((row) => row.id)).toEqual([rows[0]!.id, rows[2]!.id]);
    expect(new Set(written.map((row) => row.tx)).size).toBe(1);
  });

  it('skips a row whose key its sender used before, and writes the others', async () => {
    const sender = randomUUID();
    const key = `key-${randomUUID()}`;
    expect(await batches.insert(transferRow(sender, { idempotencyKey: key }))).toBe(true);

    const replayed = transferRow(sender, { idempotencyKey: key });
    const other = transferRow(sender, { idempotencyKey: `other-${key}` });
    expect(await Promise.all([batches.insert(replayed), batches.insert(other)])).toEqual([false, true]);
    expect((await rowsOf([replayed.id, other.id])).map((row) => row.id)).toEqual([other.id]);
  });

  it('fails a bad row alone: the batch is split and the others are written', async () => {
    const good = [transferRow(randomUUID()), transferRow(randomUUID())];
    const bad = transferRow(randomUUID(), { type: 'NOT_A_TYPE' as CommandType });

    const results = await Promise.allSettled([
      batches.insert(good[0]!),
      batches.insert(bad),
      batches.insert(good[1]!),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/commands_type_check/);
    const written = await rowsOf([...good, bad].map((row) => row.id));
    expect(written.map((row) => row.id)).toEqual(good.map((row) => row.id));
  });
});
