import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture } from '@gx/fabric/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RebuildProgress, type RebuildResult, rebuild } from './rebuild/rebuild.js';
import {
  type InProcessProjector,
  type ModelHealth,
  modelHealth,
  quietLogger,
  runWorkload,
  snapshotModels,
  startProjector,
  until,
  Workload,
} from './testing/index.js';

const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let database: TestDatabase;
let ledger: Ledger;
let live: InProcessProjector;

beforeAll(async () => {
  await fixture.start();
  database = await createTestDatabase();
  ledger = await fixture.connect();
  live = await startProjector({ databaseUrl: database.url, connectionDir: fixture.connectionDir });
});
afterAll(async () => {
  await live?.stop();
  ledger?.close();
  await database?.drop();
  await fixture.destroy();
});

const allFinished = () =>
  until(
    async () => {
      const [row] = await database.sql`
        select count(*)::int as open from commands where status not in ('PROJECTED', 'REJECTED')`;
      return row!.open === 0;
    },
    'every command to be projected',
    60_000,
  );

const indexNames = async () =>
  (
    await database.sql`
      select indexname from pg_indexes
      where schemaname = 'public' and tablename in ('user_profiles', 'wallets', 'kyc_verifications', 'transactions')
      order by indexname`
  ).map((r) => r.indexname as string);

describe('rebuild', () => {
  it('replays from block 0 beside the live projector and swaps in; readers see a consistent model throughout', async () => {
    const workload = new Workload(40);
    await runWorkload(database.db, ledger, { total: 3_000, batchSize: 50, workload });
    await allFinished();
    const indexesBefore = await indexNames();

    // readers: one statement each (one snapshot), checking what a half-built or torn model would break
    let reading = true;
    const seen: ModelHealth[] = [];
    const violations: string[] = [];
    const reader = (async () => {
      let previous: ModelHealth | undefined;
      while (reading) {
        const health = await modelHealth(database.sql);
        seen.push(health);
        if (health.total !== health.minted)
          violations.push(`total ${health.total} != minted ${health.minted}`);
        if (health.mismatched > 0)
          violations.push(`${health.mismatched} balances differ from their transactions`);
        if (health.orphans > 0) violations.push(`${health.orphans} profiles without a wallet`);
        if (previous && (health.profiles < previous.profiles || health.moves < previous.moves)) {
          violations.push(`went backwards: ${JSON.stringify(previous)} then ${JSON.stringify(health)}`);
        }
        previous = health;
        await sleep(2);
      }
    })();

    // the live projector keeps projecting new commands during the rebuild
    let producing = true;
    const producer = (async () => {
      let produced = 0;
      while (producing || produced < 300) {
        await runWorkload(database.db, ledger, { total: 20, batchSize: 20, workload });
        produced += 20;
        await sleep(20);
      }
    })();

    const progress: RebuildProgress[] = [];
    let result: RebuildResult;
    const readsBefore = seen.length;
    let readsDuring = 0;
    try {
      result = await rebuild({
        database: live.database,
        ledger: live.ledger,
        logger: quietLogger,
        maxGroupEvents: 50,
        progressIntervalMs: 0,
        onProgress: (p) => progress.push(p),
      });
      readsDuring = seen.length - readsBefore;
    } finally {
      producing = false;
      await producer;
      await allFinished();
      reading = false;
      await reader;
    }

    expect(violations).toEqual([]);
    expect(readsDuring).toBeGreaterThan(20);
    expect(result.swapped).toBe(true);
    expect(result.identical).toBe(true);
    expect(result.comparison.find((c) => c.table === 'transactions')!.rebuilt).toBeGreaterThan(1_000);
    expect(progress.some((p) => p.phase === 'replaying' && p.height > 0n && p.eventsPerSecond > 0)).toBe(
      true,
    );
    expect(progress.at(-1)!.phase).toBe('done');

    // the swapped-in tables carry the migrations' index names, and the live projector writes into them
    expect(await indexNames()).toEqual(indexesBefore);
    const after = await modelHealth(database.sql);
    expect(after.moves).toBeGreaterThan(result.comparison.find((c) => c.table === 'transactions')!.live);
    expect(after.total).toBe(after.minted);
    const [schemas] = await database.sql`
      select count(*)::int as n from pg_namespace where nspname like 'gx_rebuild%'`;
    expect(schemas!.n).toBe(0);

    // and a second replay, compare-only, finds the live models equal to the ledger's
    const snapshot = await snapshotModels(database.sql);
    const check = await rebuild({
      database: live.database,
      ledger: live.ledger,
      logger: quietLogger,
      swap: false,
    });
    expect(check.identical).toBe(true);
    expect(check.swapped).toBe(false);
    expect(await snapshotModels(database.sql)).toEqual(snapshot);
  }, 180_000);
});
