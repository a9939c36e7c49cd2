// updateProfile reads the profile's latest pending update under the aggregate's lock, on every
// write: it must cost an index lookup, not a walk over every other profile's commands.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestPendingUpdate } from '../services/profileState.js';
import { type ExplainRows, planNodes } from './helpers.js';

let database: TestDatabase;

const withPending = randomUUID();
const withCommittedOnly = randomUUID();
const withNothing = randomUUID();

async function insertUpdates(profileId: string, statuses: string[]): Promise<void> {
  for (const [i, status] of statuses.entries()) {
    await database.sql`
      insert into commands (id, type, aggregate_id, payload, requester_id, correlation_id, status)
      values (${randomUUID()}, 'UPDATE_PROFILE', ${profileId}, ${JSON.stringify({ lastName: `${status} ${i}` })}::jsonb,
              ${profileId}, 'test', ${status})`;
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await insertUpdates(withCommittedOnly, ['PROJECTED', 'COMMITTED', 'REJECTED']);
  await insertUpdates(withPending, ['PROJECTED', 'COMMITTED', 'ACCEPTED', 'DEAD']);
  // a history of other profiles' commands, most of them done, some still on their way
  await database.sql`
    insert into commands (id, type, aggregate_id, payload, requester_id, correlation_id, status)
    select gen_random_uuid(), 'UPDATE_PROFILE', p, '{}'::jsonb, p, 'test',
           case when n % 10 = 0 then 'ACCEPTED' when n % 50 = 1 then 'COMMITTED' else 'PROJECTED' end
    from (select gen_random_uuid() as p from generate_series(1, 100)) profiles, generate_series(1, 50) n`;
  await database.sql`analyze commands`;
});

afterAll(async () => {
  await database?.drop();
});

const latest = async (profileId: string) => {
  const [row] = await database.sql<{ pending: { lastName: string } | null }[]>`
    select ${latestPendingUpdate(database.sql, profileId)} as pending`;
  return row!.pending?.lastName ?? null;
};

/** Rows the plan read and threw away, over every node. */
async function rowsRemoved(profileId: string): Promise<number> {
  const [row] = await database.sql<ExplainRows>`
    explain (analyze, format json) select ${latestPendingUpdate(database.sql, profileId)}`;
  return planNodes(row!['QUERY PLAN'][0].Plan).reduce(
    (sum, node) => sum + (node['Rows Removed by Filter'] ?? 0),
    0,
  );
}

describe('the latest pending profile update', () => {
  it('is the newest ACCEPTED to COMMITTED one, else none', async () => {
    expect(await latest(withPending)).toBe('ACCEPTED 2');
    expect(await latest(withCommittedOnly)).toBe('COMMITTED 1');
    expect(await latest(withNothing)).toBeNull();
  });

  it('is found through indexes, not by reading the history of other profiles', async () => {
    // 5,000 other commands; only the COMMITTED ones (awaiting projection, 100 here) may be read past
    for (const profileId of [withPending, withCommittedOnly, withNothing]) {
      expect(await rowsRemoved(profileId)).toBeLessThanOrEqual(110);
    }
  });
});
