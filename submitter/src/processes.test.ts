import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture } from '@gx/fabric/testing';
import { listeningPort, type ServiceProcess, startService } from '@gx/runtime/testing';
import { mint, newUser, register, type TestCommand, type TestUser, transfer } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedCommands } from './testing/ledgerAudit.js';
import { waitFor } from './testing/waitFor.js';

// Submitters as real processes, as they run in production, against one devnet and one database.
const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let database: TestDatabase;
let ledger: Ledger;
const running = new Set<ServiceProcess>();

beforeAll(async () => {
  database = await createTestDatabase();
  await fixture.start();
  ledger = await fixture.connect();
});
afterAll(async () => {
  await Promise.all([...running].map((p) => p.stop()));
  ledger?.close();
  await fixture.destroy();
  await database?.drop();
});

async function submitter(env: Record<string, string> = {}) {
  const { process } = await startService(
    'submitter',
    {
      DATABASE_URL: database.url,
      FABRIC_CONNECTION_DIR: fixture.connectionDir,
      SUBMITTER_PORT: '0',
      SUBMITTER_POLL_MS: '200',
      SUBMITTER_LEASE_MS: '3000',
      ...env,
    },
    listeningPort,
  );
  running.add(process);
  return process;
}

async function stop(process: ServiceProcess) {
  running.delete(process);
  return process.stop();
}

async function countByStatus(): Promise<Record<string, number>> {
  const rows = await database.db.execute<{ status: string; count: number }>(
    sql`select status, count(*)::int as count from commands group by status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.count]));
}

async function allTerminal(total: number, timeoutMs: number) {
  return waitFor(
    async () => {
      const counts = await countByStatus();
      const done = (counts.COMMITTED ?? 0) + (counts.REJECTED ?? 0) + (counts.DEAD ?? 0);
      return done === total && counts;
    },
    timeoutMs,
    `${total} commands to settle`,
  );
}

/** Users registered and funded on the ledger, ready for transfers. */
async function fundedUsers(count: number): Promise<TestUser[]> {
  const users = Array.from({ length: count }, newUser);
  await acceptCommands(
    database.db,
    users.flatMap((u) => [register(u), mint(u, '1000000')]),
  );
  return users;
}

async function expectAppliedOnce(commands: readonly TestCommand[]) {
  const applied = await appliedCommands(ledger, commands.length);
  const times = new Map<string, number>();
  for (const a of applied) times.set(a.commandId, (times.get(a.commandId) ?? 0) + 1);
  const ours = commands.map((c) => times.get(c.id) ?? 0);
  expect(ours.filter((n) => n !== 1)).toEqual([]);
}

async function ledgerOrder(): Promise<string[]> {
  return (await appliedCommands(ledger, 1)).map((a) => a.commandId);
}

describe('submitter processes', () => {
  it('two on one queue of 2,000 commands apply every command exactly once', async () => {
    const users = await fundedUsers(100);
    const setup = await submitter();
    await allTerminal(200, 60_000);
    await stop(setup);

    const commands: TestCommand[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      const from = users[i % users.length]!;
      const to = users[(i * 7 + 1) % users.length]!;
      commands.push(i % 4 === 0 || from === to ? mint(from, '3') : transfer(from, to, '1'));
    }
    await acceptCommands(database.db, commands);
    const pair = await Promise.all([submitter(), submitter()]);
    const counts = await allTerminal(2_200, 300_000);
    expect(counts).toEqual({ COMMITTED: 2_200 });
    await expectAppliedOnce(commands);
    // both took a share of the work
    const [byWorker] = await database.db.execute<{ workers: number }>(
      sql`select count(distinct ledger_tx_id)::int as workers from commands`,
    );
    expect(byWorker?.workers).toBeGreaterThan(2);
    await Promise.all(pair.map(stop));
  }, 420_000);

  it('kill -9 mid-batch, then a new one: every command ends terminal, none applied twice', async () => {
    const users = await fundedUsers(50);
    const before = (await countByStatus()).COMMITTED ?? 0;
    const victim = await submitter({ SUBMITTER_MAX_BATCH: '10', SUBMITTER_MAX_IN_FLIGHT: '4' });
    await allTerminal(before + 100, 60_000);
    const commands = Array.from({ length: 1_000 }, (_, i) =>
      transfer(users[i % 50]!, users[(i + 1) % 50]!, '1'),
    );
    await acceptCommands(database.db, commands);
    await waitFor(
      async () =>
        ((await countByStatus()).SUBMITTED ?? 0) > 0 &&
        ((await countByStatus()).COMMITTED ?? 0) > before + 150,
      60_000,
      'the victim to be mid-work',
    );
    await victim.kill();
    running.delete(victim);
    const heir = await submitter();
    const counts = await allTerminal(before + 1_100, 120_000);
    expect(counts.COMMITTED).toBe(before + 1_100);
    await expectAppliedOnce(commands);
    await stop(heir);
  }, 240_000);

  it('keeps per-aggregate order: 1,000 transfers over 50 wallets commit in acceptance order per wallet', async () => {
    const users = await fundedUsers(50);
    const before = (await countByStatus()).COMMITTED ?? 0;
    const worker = await submitter();
    await allTerminal(before + 100, 60_000);
    const commands = Array.from({ length: 1_000 }, (_, i) =>
      transfer(users[(i * 13) % 50]!, users[(i * 13 + 1 + (i % 7)) % 50]!, '1'),
    );
    await acceptCommands(database.db, commands);
    await allTerminal(before + 1_100, 120_000);
    const order = await ledgerOrder();
    const position = new Map(order.map((id, i) => [id, i]));
    for (const user of users) {
      const accepted = commands.filter((c) => c.payload.fromWalletId === user.walletId).map((c) => c.id);
      const onLedger = [...accepted].sort((a, b) => position.get(a)! - position.get(b)!);
      expect(onLedger).toEqual(accepted);
    }
    await stop(worker);
  }, 240_000);
});
