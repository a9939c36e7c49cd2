import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { newUser, type TestCommand, transfer, updateProfile } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimBatches } from './claimBatches.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());
beforeEach(async () => {
  await database.db.execute(sql`truncate commands cascade`);
});

const claimWithRest = (freeSlots: number, maxBatch: number, onLedger: ReadonlySet<string> = new Set()) =>
  claimBatches(database.sql, {
    workerId: 'w1',
    leaseMs: 60_000,
    freeSlots,
    maxBatch,
    transactionsInFlight: 0,
    onLedger,
    reserveTimeoutMs: 10_000,
  });
const claim = (freeSlots: number, maxBatch: number) =>
  claimWithRest(freeSlots, maxBatch).then((c) => c.batches);

async function claimedBy(worker: string): Promise<string[]> {
  const rows = await database.db.execute<{ id: string }>(
    sql`select id from commands where locked_by = ${worker} and claimed_at is not null order by seq`,
  );
  return rows.map((r) => r.id);
}

async function set(command: TestCommand, change: ReturnType<typeof sql>): Promise<void> {
  await database.db.execute(sql`update commands set ${change} where id = ${command.id}`);
}

describe('claimBatches', () => {
  it('claims the oldest due commands, one per transaction when few wait, under its worker id', async () => {
    const commands = [newUser(), newUser(), newUser()].map(updateProfile);
    await acceptCommands(database.db, commands);

    const batches = await claim(4, 10);

    expect(batches.map((b) => b.map((c) => c.id))).toEqual(commands.map((c) => [c.id]));
    expect(await claimedBy('w1')).toEqual(commands.map((c) => c.id));
  });

  it('keeps a command behind an older one of its aggregate that is claimed, backing off or abandoned, and off busy keys', async () => {
    const [x, y, z, w, r, s, a] = [
      newUser(),
      newUser(),
      newUser(),
      newUser(),
      newUser(),
      newUser(),
      newUser(),
    ];
    const inFlight = transfer(x, y, '1'); // claimed by another worker: x's and y's wallets are busy
    const backingOff = updateProfile(r);
    const abandoned = updateProfile(s); // its worker died: the lease has run out
    const a1 = updateProfile(a);
    const toBusy = transfer(z, y, '1');
    const behindInFlight = transfer(x, w, '1');
    const behindBackoff = updateProfile(r);
    const behindAbandoned = updateProfile(s);
    const a2 = updateProfile(a);
    const free = updateProfile(newUser());
    await acceptCommands(database.db, [
      inFlight,
      backingOff,
      abandoned,
      a1,
      toBusy,
      behindInFlight,
      behindBackoff,
      behindAbandoned,
      a2,
      free,
    ]);
    await set(inFlight, sql`locked_by = 'w2', locked_at = now(), status = 'SUBMITTED'`);
    await set(backingOff, sql`status = 'RETRYING', next_attempt_at = now() + interval '1 hour'`);
    await set(abandoned, sql`locked_by = 'dead', locked_at = now() - interval '2 minutes'`);

    const { batches, leftWaiting } = await claimWithRest(4, 10);

    expect(batches.map((b) => b.map((c) => c.id))).toEqual([[a1.id, a2.id], [free.id]]);
    expect(await claimedBy('w1')).toEqual([a1.id, a2.id, free.id]);
    expect(leftWaiting).toBe(4); // toBusy and the three behind an elder
  });

  it('lets the commands behind one the ledger has committed go before its outcome is written', async () => {
    const [x, y, z] = [newUser(), newUser(), newUser()];
    const committed = transfer(x, y, '1'); // its transaction committed; its outcome not yet written
    const stillInFlight = transfer(z, x, '1'); // on the ledger's way: z's and x's wallets busy
    const behindCommitted = transfer(y, newUser(), '1');
    const behindInFlight = transfer(z, newUser(), '1');
    await acceptCommands(database.db, [committed, stillInFlight, behindCommitted, behindInFlight]);
    for (const command of [committed, stillInFlight]) {
      await set(command, sql`locked_by = 'w1', locked_at = now(), status = 'SUBMITTED'`);
    }

    expect((await claimWithRest(4, 10)).batches).toEqual([]);
    const { batches } = await claimWithRest(4, 10, new Set([committed.id]));
    expect(batches.map((b) => b.map((c) => c.id))).toEqual([[behindCommitted.id]]);
  });

  it('with one slot free, looks past a head of commands that must wait', async () => {
    const r = newUser();
    const backingOff = updateProfile(r);
    const waiting = Array.from({ length: 40 }, () => updateProfile(r));
    const free = updateProfile(newUser());
    await acceptCommands(database.db, [backingOff, ...waiting, free]);
    await set(backingOff, sql`status = 'RETRYING', next_attempt_at = now() + interval '1 hour'`);

    expect((await claim(1, 1)).map((b) => b.map((c) => c.id))).toEqual([[free.id]]);
  });

  it('with the whole window waiting behind a command backing off, still finds the commands behind it', async () => {
    const r = newUser();
    const backingOff = updateProfile(r);
    const waiting = Array.from({ length: 100 }, () => updateProfile(r)); // more than the window (64)
    const free = updateProfile(newUser());
    await acceptCommands(database.db, [backingOff, ...waiting, free]);
    await set(backingOff, sql`status = 'RETRYING', next_attempt_at = now() + interval '1 hour'`);

    expect((await claim(1, 1)).map((b) => b.map((c) => c.id))).toEqual([[free.id]]);
    expect(await claimedBy('w1')).toEqual([free.id]);
  });

  it('claims nothing twice: a second claim finds only what the first left', async () => {
    const commands = Array.from({ length: 6 }, () => updateProfile(newUser()));
    await acceptCommands(database.db, commands);

    const [first, second, third] = [await claimWithRest(4, 1), await claim(4, 1), await claimWithRest(4, 1)];

    expect(first.batches.flat().map((c) => c.id)).toEqual(commands.slice(0, 4).map((c) => c.id));
    expect(first.leftWaiting).toBe(2); // past the four free slots
    expect(second.flat().map((c) => c.id)).toEqual(commands.slice(4).map((c) => c.id));
    expect(third).toEqual({ batches: [], leftWaiting: 0 });
  });

  it('takes all it planned or nothing: a planned command locked elsewhere holds the claim back', async () => {
    const a = newUser();
    const [a1, a2] = [updateProfile(a), updateProfile(a)];
    await acceptCommands(database.db, [a1, a2]);
    const holder = await database.sql.reserve();
    try {
      await holder`begin`;
      await holder`select id from commands where id = ${a1.id} for update`;

      // a1 is read (reads take no row locks) and planned with a2, but cannot be locked: a2 must not
      // go without it
      expect(await claim(4, 10)).toEqual([]);
      expect(await claimedBy('w1')).toEqual([]);

      await holder`commit`;
    } finally {
      holder.release();
    }
    const batches = await claim(4, 10);
    expect(batches.map((b) => b.map((c) => c.id))).toEqual([[a1.id, a2.id]]);
    expect(batches[0]![0]).toMatchObject({ type: 'UPDATE_PROFILE', status: 'ACCEPTED', payload: a1.payload });
  });
});
