import { channels, createListener, credentials, decodeCommandNotice } from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mint, newUser, quietLogger, recordCommands, register, until } from '../testing/index.js';
import { finishCommands } from './finishCommands.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('finishCommands', () => {
  it('moves only what the projector may move, and its notices name exactly those commands, split under the size limit', async () => {
    const listener = createListener(database.url, { logger: quietLogger });
    const notices: string[] = [];
    listener.subscribe(channels.command, (payload) => notices.push(payload));
    await listener.ready();
    try {
      const user = newUser();
      const applied = Array.from({ length: 450 }, () => mint(user, '1'));
      const done = mint(user, '1');
      const refused = register(newUser());
      await recordCommands(database.db, [...applied, refused], 'COMMITTED');
      await recordCommands(database.db, [done], 'PROJECTED');

      const finished = await database.db.transaction((tx) =>
        finishCommands(
          tx,
          [...applied, done].map((c) => ({ id: c.row.id, block: 7n })),
          [{ id: refused.row.id, reason: 'User exists', block: 7n }],
        ),
      );

      const moved = [...applied.map((c) => c.row.id), refused.row.id];
      expect(finished.projected.map((p) => p.id).sort()).toEqual(applied.map((c) => c.row.id).sort());
      expect(finished.rejected).toEqual([refused.row.id]);
      await until(async () => notices.flatMap(decodeCommandNotice).length === moved.length, 'the notices');
      expect(notices.length).toBeGreaterThan(1);
      for (const notice of notices) expect(Buffer.byteLength(notice)).toBeLessThan(8_000);
      expect(notices.flatMap(decodeCommandNotice).sort()).toEqual(moved.sort());

      const rows = await database.sql<
        { id: string; status: string; block_number: string; error_message: string }[]
      >`
        select id, status, block_number::text, error_message from commands`;
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(done.row.id)).toMatchObject({ status: 'PROJECTED', block_number: null });
      expect(byId.get(applied[0]!.row.id)).toMatchObject({ status: 'PROJECTED', block_number: '7' });
      expect(byId.get(refused.row.id)).toMatchObject({ status: 'REJECTED', error_message: 'User exists' });
      const left = await database.db
        .select()
        .from(credentials)
        .where(inArray(credentials.registerCommandId, [refused.row.id]));
      expect(left).toHaveLength(0);
    } finally {
      await listener.close();
    }
  });
});
