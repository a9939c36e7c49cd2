import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Sql } from './connection.js';
import { Pipeline, ReserveTimeoutError } from './pipeline.js';
import { projectionErrors } from './tables/index.js';
import { createTestDatabase, type TestDatabase } from './testing/index.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const insertError = (reason: string) => sql`
  insert into ${projectionErrors} (block_number, tx_id, event_name, payload, reason)
  values (1, 'tx', 'X', '{}', ${reason})`;
const reasons = async () =>
  (await database.sql<{ reason: string }[]>`select reason from projection_errors order by id`).map(
    (r) => r.reason,
  );

describe('Pipeline', () => {
  it('gives up on a reserve that never settles (porsager/postgres#1195), and releases one that comes late', async () => {
    const stranded = { reserve: () => new Promise(() => {}) } as unknown as Sql;
    await expect(
      Pipeline.run(stranded, async () => 'never', { reserveTimeoutMs: 50 }),
    ).rejects.toBeInstanceOf(ReserveTimeoutError);

    let released = false;
    const late = {
      reserve: () =>
        new Promise((resolve) =>
          setTimeout(
            () =>
              resolve({
                release: () => {
                  released = true;
                },
              }),
            100,
          ),
        ),
    } as unknown as Sql;
    await expect(Pipeline.run(late, async () => 'never', { reserveTimeoutMs: 20 })).rejects.toBeInstanceOf(
      ReserveTimeoutError,
    );
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(released).toBe(true);

    // a pool that answers in time is used as before
    const pool = connect(database.url, { max: 1 });
    try {
      expect(await Pipeline.run(pool.sql, async () => 'ran', { reserveTimeoutMs: 5_000 })).toBe('ran');
    } finally {
      await pool.close();
    }
  });

  it('commits what it sent, and refuses a statement issued after COMMIT', async () => {
    await Pipeline.run(database.sql, async (pipeline) => {
      const begun = pipeline.begin();
      const written = pipeline.execute(insertError('committed'));
      const committed = pipeline.commit();
      expect(() => pipeline.execute(insertError('too late'))).toThrow(/ended/);
      await Promise.all([begun, written, committed]);
    });
    expect(await reasons()).toEqual(['committed']);
  });

  it('keeps nothing of a transaction with a failed statement, and hands back a clean connection', async () => {
    const single = connect(database.url, { max: 1 });
    try {
      const failed = Pipeline.run(single.sql, async (pipeline) => {
        const sent = [
          pipeline.begin(),
          pipeline.execute(insertError('rolled back')),
          pipeline.execute(sql`select 1 / 0`),
          pipeline.commit(),
        ];
        await Promise.all(sent);
      });
      await expect(failed).rejects.toThrow(/division by zero/);
      // the pool's only connection again, outside any transaction: its write is seen at once
      await single.sql`insert into projection_errors (block_number, tx_id, event_name, payload, reason)
        values (1, 'tx', 'X', '{}', 'after')`;
      expect(await reasons()).toEqual(['committed', 'after']);
    } finally {
      await single.close();
    }
  });
});
