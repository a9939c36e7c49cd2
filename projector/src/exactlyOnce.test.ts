import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture } from '@gx/fabric/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describePosition, findCheckpoint, liveCheckpoint } from './checkpoint.js';
import { rebuild } from './rebuild/rebuild.js';
import {
  modelHealth,
  ProjectorProcess,
  quietLogger,
  runWorkload,
  snapshotModels,
  until,
  Workload,
} from './testing/index.js';

const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let database: TestDatabase;
let ledger: Ledger;
let current: ProjectorProcess | undefined;

beforeAll(async () => {
  await fixture.start();
  database = await createTestDatabase();
  ledger = await fixture.connect();
});
afterAll(async () => {
  await current?.kill('SIGKILL');
  ledger?.close();
  await database?.drop();
  await fixture.destroy();
});

const total = 5_000;
const checkpoint = async () => {
  const position = await findCheckpoint(database.db, liveCheckpoint);
  return position ? describePosition(position) : 'none';
};
const projector = () =>
  new ProjectorProcess({
    databaseUrl: database.url,
    connectionDir: fixture.connectionDir,
    // small transactions, so a kill lands inside one more often
    env: { PROJECTOR_MAX_GROUP_EVENTS: '50' },
  });

describe('exactly-once projection', () => {
  it(`projects at least ${total} mixed events exactly once while kill -9 strikes at random points at least 10 times`, async () => {
    const workload = new Workload(120);
    const chunk = 250;
    let produced = 0;
    let killing = true;
    // At least `total` events, and on until the kills below have struck often enough while the
    // projector was moving: a fast projector on a slow machine may otherwise catch up between
    // lives, and a kill of an idle projector proves nothing. (Never enough: the test times out.)
    const producer = (async () => {
      while (produced < total || killing) {
        await runWorkload(database.db, ledger, { total: chunk, batchSize: 25, pauseMs: 40, workload });
        produced += chunk;
      }
    })();

    let kills = 0;
    let killedWhileMoving = 0;
    while (produced < total || kills < 10 || killedWhileMoving < 5) {
      current = projector();
      await current.waitForLog((l) => l.msg.startsWith('leading'));
      const before = await checkpoint();
      await sleep(100 + Math.random() * 900);
      await current.kill('SIGKILL');
      kills += 1;
      if ((await checkpoint()) !== before) killedWhileMoving += 1;
    }
    killing = false;
    await producer;

    current = projector();
    await current.waitForLog((l) => l.msg.startsWith('leading'));
    await until(
      async () => {
        const [row] = await database.sql`
          select count(*)::int as open from commands where status not in ('PROJECTED', 'REJECTED')`;
        return row!.open === 0;
      },
      'every command to be projected',
      90_000,
    );
    expect(await current.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    // every command once: one transaction row per mint, two per transfer, statuses final
    const [counts] = await database.sql`
      select
        (select count(*) from commands)::int as commands,
        (select count(*) from commands where status = 'PROJECTED' and type = 'MINT')::int as mints,
        (select count(*) from commands where status = 'PROJECTED' and type = 'TRANSFER')::int as transfers,
        (select count(*) from commands where status = 'REJECTED')::int as rejected,
        (select count(*) from transactions)::int as moves,
        (select count(*) from user_profiles)::int as profiles,
        (select count(*) from commands where status = 'PROJECTED' and type = 'REGISTER')::int as registered,
        (select coalesce(sum((payload->>'amount')::numeric), 0)::text from commands
          where status = 'PROJECTED' and type = 'MINT') as minted`;
    expect(counts!.commands).toBe(produced);
    expect(counts!.rejected).toBeGreaterThan(0);
    expect(counts!.moves).toBe(counts!.mints + 2 * counts!.transfers);
    expect(counts!.profiles).toBe(counts!.registered);

    // total balances equal total minted
    const health = await modelHealth(database.sql);
    expect(health.total).toBe(counts!.minted);
    expect(health.minted).toBe(counts!.minted);
    expect(health.mismatched).toBe(0);

    // the read models equal a rebuild from block 0
    const live = await snapshotModels(database.sql);
    const replay = await rebuild({ database, ledger, logger: quietLogger });
    expect(replay.comparison.every((c) => c.onlyLive === 0 && c.onlyRebuilt === 0)).toBe(true);
    expect(replay.identical).toBe(true);
    expect(await snapshotModels(database.sql)).toEqual(live);
  }, 180_000);
});
