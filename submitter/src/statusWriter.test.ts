import { randomBytes } from 'node:crypto';
import { channels, createListener, decodeCommandNotice } from '@gx/db';
import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { silentLogger } from '@gx/fabric/testing';
import { newUser, register } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from './sql/recordSubmissions.js';
import { StatusWriter } from './statusWriter.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

async function claimed(count: number, worker: string) {
  const commands = Array.from({ length: count }, () => register(newUser()));
  await acceptCommands(database.db, commands);
  const ids = commands.map((c) => c.id);
  await database.db.execute(sql`update commands set locked_by = ${worker}, locked_at = now()
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
