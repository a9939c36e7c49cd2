import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advanceCheckpoint,
  beginning,
  CheckpointMovedError,
  findCheckpoint,
  readCheckpoint,
} from './checkpoint.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('checkpoint', () => {
  it('starts at the beginning of the ledger', async () => {
    expect(await findCheckpoint(database.db, 'cas')).toBeUndefined();
    expect(await readCheckpoint(database.db, 'cas')).toEqual(beginning);
  });

  it('moves only from where the writer left it (compare-and-set)', async () => {
    const first = { blockNumber: 3n, transactionId: 'tx-a' };
    await database.db.transaction((tx) => advanceCheckpoint(tx, 'cas', beginning, first));
    expect(await readCheckpoint(database.db, 'cas')).toEqual(first);

    // a stale writer still believes it is at the beginning: refused, nothing moves
    const stale = database.db.transaction((tx) =>
      advanceCheckpoint(tx, 'cas', beginning, { blockNumber: 9n, transactionId: 'tx-z' }),
    );
    await expect(stale).rejects.toBeInstanceOf(CheckpointMovedError);
    await expect(
      database.db.transaction((tx) =>
        advanceCheckpoint(
          tx,
          'cas',
          { blockNumber: 3n, transactionId: 'tx-b' },
          { blockNumber: 4n, transactionId: 'x' },
        ),
      ),
    ).rejects.toThrow(/checkpoint cas is at block 3 after tx-a, not at block 3 after tx-b/);
    expect(await readCheckpoint(database.db, 'cas')).toEqual(first);
  });

  it('rolls the whole transaction back when the fence refuses', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into projection_errors (block_number, tx_id, event_name, payload, reason)
          values (1, 'x', 'x', 'x', 'written before the fence')`);
        await advanceCheckpoint(tx, 'cas', beginning, { blockNumber: 10n, transactionId: 'tx-y' });
      }),
    ).rejects.toBeInstanceOf(CheckpointMovedError);
    const rows = await database.sql`select count(*)::int as n from projection_errors`;
    expect(rows[0]!.n).toBe(0);
  });
});
