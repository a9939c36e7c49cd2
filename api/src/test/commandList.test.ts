// An admin's list of commands by status must find them by an index whatever plan the statement
// has cached: its statuses off the happy path are in a partial index, and a parameter cannot be
// matched to one in a generic plan. A list of DEAD commands that walked the whole table backwards
// would look fine in a test database and take seconds in a year-old one.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { commandStatuses } from '@gx/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandPage } from '../services/commands.js';
import { type ExplainRows, planNodes } from './helpers.js';

let database: TestDatabase;
/** Per status, its command ids, oldest first. */
const idsOf = new Map<string, string[]>();

beforeAll(async () => {
  database = await createTestDatabase();
  // a long history, nearly all of it PROJECTED
  await database.sql`
    insert into commands (id, type, aggregate_id, payload, requester_id, correlation_id, status)
    select gen_random_uuid(), 'UPDATE_PROFILE', gen_random_uuid(), '{}'::jsonb, null, 'test', 'PROJECTED'
      from generate_series(1, 20000)`;
  // then three commands of every status, the newest last
  for (let round = 0; round < 3; round++) {
    for (const status of commandStatuses) {
      const id = randomUUID();
      await database.sql`
        insert into commands (id, type, aggregate_id, payload, correlation_id, status)
        values (${id}, 'UPDATE_PROFILE', ${randomUUID()}, '{}'::jsonb, 'test', ${status})`;
      idsOf.set(status, [...(idsOf.get(status) ?? []), id]);
    }
  }
  await database.sql`analyze commands`;
});

afterAll(async () => {
  await database?.drop();
});

/** Rows the page's plan read to find its own: the rows its scans returned or threw away. */
async function rowsRead(status: (typeof commandStatuses)[number]): Promise<number> {
  const query = commandPage(database.db, { requesterId: null, status, beforeSeq: null, limit: 3 }).toSQL();
  const connection = await database.sql.reserve();
  try {
    await connection`set plan_cache_mode = force_generic_plan`;
    // The page has no parameter but its limit: a number, given as one.
    expect(query.params).toEqual([3]);
    await connection.unsafe(`prepare page (bigint) as ${query.sql}`).simple();
    const [row] = await connection
      .unsafe<ExplainRows>('explain (analyze, format json) execute page(3)')
      .simple();
    // the scans are the plan's leaves
    return planNodes(row!['QUERY PLAN'][0].Plan)
      .filter((node) => !node.Plans)
      .reduce((sum, node) => sum + node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0), 0);
  } finally {
    await connection`deallocate all`;
    await connection`reset plan_cache_mode`;
    connection.release();
  }
}

describe("an admin's list of commands by status", () => {
  it.each(commandStatuses)('lists %s commands newest first', async (status) => {
    const rows = await commandPage(database.db, { requesterId: null, status, beforeSeq: null, limit: 2 });
    expect(rows.map((row) => row.id)).toEqual(idsOf.get(status)!.toReversed().slice(0, 2));
  });

  it.each(commandStatuses)('finds %s commands by an index, even with a generic plan', async (status) => {
    // Three to return, plus what an index of several statuses holds of the others: never the
    // 20,000 rows of history.
    expect(await rowsRead(status)).toBeLessThan(100);
  });
});
