import { randomBytes } from 'node:crypto';
import { channels, connect, createListener, decodeCommandNotice } from '@gx/db';
import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { silentLogger } from '@gx/fabric/testing';
import { newUser, register } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from './sql/recordSubmissions.js';
import { StatusWriter } from './statusWriter.js';
import { waitFor } from './testing/waitFor.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function claimed(count: number, worker: string, on: TestDatabase = database) {
  const commands = Array.from({ length: count }, () => register(newUser()));
  await acceptCommands(on.db, commands);
  const ids = commands.map((c) => c.id);
  await on.db.execute(sql`update commands set locked_by = ${worker}, locked_at = now()
    where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`);
  return ids;
}

const statusOf = async (id: string) =>
  (
    await database.db.execute<{ status: string; ledger_tx_id: string | null }>(
      sql`select status, ledger_tx_id from commands where id = ${id}`,
    )
  )[0];

describe('StatusWriter', () => {
  it('writes what arrives together in one transaction, with one notice for all', async () => {
    const writer = new StatusWriter(database.sql, 'w1', silentLogger);
    const ids = await claimed(6, 'w1');
    const listener = createListener(database.url, { logger: silentLogger });
    const notices: string[][] = [];
    listener.subscribe(channels.command, (payload) => notices.push(decodeCommandNotice(payload)));
    await listener.ready();
    await Promise.all(
      [0, 1, 2].map((i) =>
        writer.record({
          transactionId: `tx-${i}`,
          envelope: new Uint8Array([i]),
          commandIds: ids.slice(i * 2, i * 2 + 2),
        }),
      ),
    );
    for (const [i, id] of ids.entries())
      expect(await statusOf(id)).toEqual({ status: 'SUBMITTED', ledger_tx_id: `tx-${Math.floor(i / 2)}` });
    await Promise.all(
      [0, 1, 2].map((i) =>
        writer.settle({
          ledger: { transactionId: `tx-${i}`, blockNumber: 7n },
          committed: [ids[i * 2]!],
          rejected: [{ id: ids[i * 2 + 1]!, reason: 'refused' }],
        }),
      ),
    );
    expect((await statusOf(ids[0]!))?.status).toBe('COMMITTED');
    expect((await statusOf(ids[1]!))?.status).toBe('REJECTED');
    const [registered] = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from ledger_transactions where status = 'COMMITTED' and block_number = 7`,
    );
    expect(registered?.n).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await listener.close();
    // two group commits, each with one notice listing all its commands; not six
    expect(notices.map((ids) => [...ids].sort())).toEqual([[...ids].sort(), [...ids].sort()]);
  });

  it('finds ledger transactions by key, also once the table has grown past the plans made when it was small', async () => {
    const fresh = await createTestDatabase();
    // One connection: its prepared statements take their generic plans while the table is small.
    const pool = connect(fresh.url, { max: 1 });
    try {
      const writer = new StatusWriter(pool.sql, 'w1', silentLogger);
      const cycle = async (n: number) => {
        const commandIds = await claimed(1, 'w1', fresh);
        await writer.record({ transactionId: `tx-${n}`, envelope: new Uint8Array([n]), commandIds });
        await writer.settle({
          ledger: { transactionId: `tx-${n}`, blockNumber: 1n },
          committed: commandIds,
          rejected: [],
        });
      };
      await fresh.db.execute(sql`analyze ledger_transactions`);
      for (let n = 0; n < 8; n++) await cycle(n);
      await fresh.db.execute(sql`insert into ledger_transactions (tx_id, envelope, status, command_count)
        select 'grown-' || g, decode('00', 'hex'), 'COMMITTED', 1 from generate_series(1, 20000) g`);
      for (let n = 8; n < 10; n++) await cycle(n);
    } finally {
      await pool.close(); // its backend reports its table counts as it exits
    }
    const scans = () =>
      fresh.db.execute<{ seq: number; idx: number }>(sql`
        select seq_scan::int as seq, idx_scan::int as idx from pg_stat_user_tables where relname = 'ledger_transactions'`);
    const [counts] = await waitFor(
      async () => {
        const rows = await scans();
        return (rows[0]?.idx ?? 0) + (rows[0]?.seq ?? 0) >= 10 && rows;
      },
      15_000,
      "the writer's scans counted",
    );
    expect(counts?.seq).toBe(0);
    await fresh.drop();
  });

  it('stores each envelope of a group byte for byte, small ones together and large ones alone', async () => {
    const writer = new StatusWriter(database.sql, 'w1', silentLogger);
    const ids = await claimed(4, 'w1');
    const envelopes = [40, 33_000, 200_000, 0x7fff].map((size) => randomBytes(size));
    await Promise.all(
      envelopes.map((envelope, i) =>
        writer.record({ transactionId: `tx-envelope-${i}`, envelope, commandIds: [ids[i]!] }),
      ),
    );
    const stored = await database.db.execute<{ tx_id: string; envelope: Buffer; command_count: number }>(
      sql`select tx_id, envelope, command_count from ledger_transactions
           where tx_id like 'tx-envelope-%' order by tx_id`,
    );
    expect(stored.map((row) => row.tx_id)).toEqual(envelopes.map((_, i) => `tx-envelope-${i}`));
    for (const [i, row] of stored.entries()) {
      expect(Buffer.compare(row.envelope, envelopes[i]!)).toBe(0);
      expect(row.command_count).toBe(1);
    }
  });

  it('stores an envelope as it is, not compressed: written once, rarely read, compressing it cost more than it saved', async () => {
    const writer = new StatusWriter(database.sql, 'w1', silentLogger);
    const [id] = await claimed(1, 'w1');
    // as compressible as a batch's envelope, whose JSON repeats its keys in every command
    const envelope = Buffer.from('{"commandId":"x","outcome":"APPLIED"},'.repeat(2_500));
    await writer.record({ transactionId: 'tx-compressible', envelope, commandIds: [id!] });
    const [row] = await database.db.execute<{ size: number }>(
      sql`select pg_column_size(envelope) as size from ledger_transactions where tx_id = 'tx-compressible'`,
    );
    expect(row!.size).toBeGreaterThanOrEqual(envelope.length);
  });

  it('fails only the submission whose lease was lost, and writes the others of its group', async () => {
    const writer = new StatusWriter(database.sql, 'w1', silentLogger);
    const mine = await claimed(2, 'w1');
    const stolen = await claimed(2, 'w2');
    const results = await Promise.allSettled([
      writer.record({ transactionId: 'tx-ok', envelope: new Uint8Array([1]), commandIds: mine }),
      writer.record({
        transactionId: 'tx-stolen',
        envelope: new Uint8Array([2]),
        commandIds: [mine[0]!, ...stolen].slice(1),
      }),
    ]);
    expect(results[0].status).toBe('fulfilled');
    expect(results[1]).toMatchObject({ status: 'rejected', reason: expect.any(LeaseLostError) });
    expect((await statusOf(mine[0]!))?.status).toBe('SUBMITTED');
    expect(await statusOf(stolen[0]!)).toEqual({ status: 'ACCEPTED', ledger_tx_id: null });
    const [ledgerRow] = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from ledger_transactions where tx_id = 'tx-stolen'`,
    );
    expect(ledgerRow?.n).toBe(0);
  });

  it('writes an outcome only on a command it holds in a status that allows it', async () => {
    const writer = new StatusWriter(database.sql, 'w1', silentLogger);
    const [ahead, mine, rejectedAhead] = await claimed(3, 'w1');
    const [stolen, stolenRejected] = await claimed(2, 'w2');
    await writer.record({
      transactionId: 'tx-fenced',
      envelope: new Uint8Array([3]),
      commandIds: [ahead!, mine!, rejectedAhead!],
    });
    // the projector saw the ledger's event before the submitter wrote its outcome
    await database.db.execute(
      sql`update commands set status = 'PROJECTED' where id in (${ahead}, ${rejectedAhead})`,
    );
    await writer.settle({
      ledger: { transactionId: 'tx-fenced', blockNumber: 9n },
      committed: [ahead!, mine!, stolen!],
      rejected: [
        { id: rejectedAhead!, reason: 'refused' },
        { id: stolenRejected!, reason: 'refused' },
      ],
    });
    const rows = await database.db.execute<{ id: string; status: string; locked_by: string | null }>(
      sql`select id, status, locked_by from commands
           where id in (${ahead}, ${mine}, ${rejectedAhead}, ${stolen}, ${stolenRejected})`,
    );
    const byId = new Map(rows.map((row) => [row.id, { status: row.status, lockedBy: row.locked_by }]));
    expect(byId.get(ahead!)).toEqual({ status: 'PROJECTED', lockedBy: null }); // left as it is, released
    expect(byId.get(rejectedAhead!)).toEqual({ status: 'PROJECTED', lockedBy: null });
    expect(byId.get(mine!)).toEqual({ status: 'COMMITTED', lockedBy: null });
    expect(byId.get(stolen!)).toEqual({ status: 'ACCEPTED', lockedBy: 'w2' }); // another worker's
    expect(byId.get(stolenRejected!)).toEqual({ status: 'ACCEPTED', lockedBy: 'w2' });
  });
});
