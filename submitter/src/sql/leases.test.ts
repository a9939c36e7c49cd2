import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { newUser, register } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseStaleLeases, renewLeases } from './leases.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('leases', () => {
  it('renews only the claims the worker still works on; one it lost track of expires', async () => {
    const commands = [register(newUser()), register(newUser())];
    await acceptCommands(database.db, commands);
    const [working, forgotten] = commands.map((c) => c.id) as [string, string];
    // both claimed by w1 a minute ago; the batch holding `forgotten` failed on a database error
    await database.db.execute(
      sql`update commands set locked_by = 'w1', locked_at = now() - interval '1 minute'`,
    );

    await renewLeases(database.db, 'w1', [working]);
    await releaseStaleLeases(database.db, 30_000);

    const rows = await database.db.execute<{ id: string; locked_by: string | null }>(
      sql`select id, locked_by from commands order by seq`,
    );
    expect(rows.map((r) => [r.id, r.locked_by])).toEqual([
      [working, 'w1'],
      [forgotten, null],
    ]);
  });
});
