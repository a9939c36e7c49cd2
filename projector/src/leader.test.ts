import { setTimeout as sleep } from 'node:timers/promises';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture } from '@gx/fabric/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beginning, findCheckpoint, liveCheckpoint, type Position } from './checkpoint.js';
import { findLeader } from './leader.js';
import { rebuild } from './rebuild/rebuild.js';
import {
  countWork,
  eventsBetween,
  modelHealth,
  ProjectorProcess,
  quietLogger,
  runWorkload,
  until,
  Workload,
} from './testing/index.js';

const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let database: TestDatabase;
let ledger: Ledger;
const processes: ProjectorProcess[] = [];

beforeAll(async () => {
  await fixture.start();
  database = await createTestDatabase();
  ledger = await fixture.connect();
});
afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
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

const start = () => {
  const child = new ProjectorProcess({ databaseUrl: database.url, connectionDir: fixture.connectionDir });
  processes.push(child);
  return child;
};
const leading = (l: { msg: string }) => l.msg.startsWith('leading');
const processed = 'projector_events_processed_total{status="success"}';

describe('two projector processes', () => {
  it('only one applies; killed, the other takes over within 5 s and continues without a gap or a repeat', async () => {
    const a = start();
    await a.waitForLog(leading);
    const b = start();
    await b.waitForLog((l) => l.msg.startsWith('standing by'));

    const workload = new Workload(40);
    await runWorkload(database.db, ledger, { total: 400, batchSize: 20, workload });
    await allFinished();
    expect(await a.metric(processed)).toBe(400);
    expect(await b.metric(processed)).toBe(0);
    expect(await a.metric('projector_is_leader')).toBe(1);
    expect(await b.metric('projector_is_leader')).toBe(0);
    expect((await findLeader(database.sql))?.applicationName).toContain(`:${a.pid}`);
    const ready = await fetch(`http://127.0.0.1:${await b.port()}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ role: 'standby' });

    // kill -9 the leader while commands keep coming
    let producing = true;
    const producer = (async () => {
      while (producing)
        await runWorkload(database.db, ledger, { total: 20, batchSize: 10, workload, pauseMs: 10 });
    })();
    await sleep(700);
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    const takeover = await b.waitForLog(leading, 10_000);
    const tookMs = Date.parse(takeover.time) - killedAt;
    await sleep(1_000);
    producing = false;
    await producer;
    await allFinished();
    expect(tookMs).toBeLessThan(5_000);

    // B projected exactly the events after the checkpoint it resumed from: no gap, no repeat
    const resumedFrom: Position = {
      blockNumber: BigInt(takeover.blockNumber as string),
      transactionId: (takeover.transactionId as string | null) ?? undefined,
    };
    const end = (await findCheckpoint(database.db, liveCheckpoint))!;
    const expected = countWork(await eventsBetween(ledger, resumedFrom, end));
    expect(expected).toBeGreaterThan(0);
    expect(await b.metric(processed)).toBe(expected);
    expect(countWork(await eventsBetween(ledger, beginning, end))).toBe(
      (await database.sql`select count(*)::int as n from commands`)[0]!.n,
    );
    const health = await modelHealth(database.sql);
    expect(health.total).toBe(health.minted);
    expect(health.mismatched).toBe(0);
    const check = await rebuild({ database, ledger, logger: quietLogger, swap: false });
    expect(check.identical).toBe(true);

    // SIGTERM: finishes the block in progress, lets go of the lock, exits 0
    expect(await b.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await findLeader(database.sql)).toBeUndefined();
  }, 120_000);
});
