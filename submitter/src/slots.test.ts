import { connect, type Database } from '@gx/db';
import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { connectLedger, type Ledger } from '@gx/fabric';
import { DevnetFixture, silentLogger } from '@gx/fabric/testing';
import { newUser, register } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { submitterMetrics } from './metrics.js';
import { Submitter } from './submitter.js';
import { waitFor } from './testing/waitFor.js';

const fixture = new DevnetFixture();
let database: TestDatabase;
let shared: Database;
let ledger: Ledger;

beforeAll(async () => {
  database = await createTestDatabase();
  await fixture.start();
  shared = connect(database.url, { max: 4 });
  ledger = await connectLedger({
    folder: fixture.connectionDir,
    logger: silentLogger,
    registry: new Registry(),
  });
});
afterAll(async () => {
  ledger?.close();
  await shared?.close();
  await fixture.destroy();
  await database?.drop();
});

/** The ledger, counting transactions between the start of their endorsement and their verdict. */
function countingLedger(inner: Ledger) {
  const counts = { open: 0, most: 0 };
  const open = () => {
    counts.open++;
    counts.most = Math.max(counts.most, counts.open);
  };
  const proxy = new Proxy(inner, {
    get(target, property) {
      if (property === 'prepare') {
        return async (...args: Parameters<Ledger['prepare']>) => {
          open();
          try {
            return await target.prepare(...args);
          } catch (error) {
            counts.open--;
            throw error;
          }
        };
      }
      if (property === 'submitPrepared') {
        return async (...args: Parameters<Ledger['submitPrepared']>) => {
          try {
            return await target.submitPrepared(...args);
          } finally {
            counts.open--;
          }
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { ledger: proxy, counts };
}

it('keeps at most SUBMITTER_MAX_IN_FLIGHT transactions between endorsement and verdict, and uses them all', async () => {
  const { ledger: counted, counts } = countingLedger(ledger);
  const submitter = new Submitter({
    database: shared,
    openClaimPool: () => connect(database.url, { max: 1 }).sql,
    ledger: counted,
    logger: silentLogger,
    metrics: submitterMetrics(new Registry()),
    settings: {
      workerId: 'slots',
      maxBatch: 1,
      maxInFlight: 3,
      pollMs: 50,
      leaseMs: 60_000,
      maxAttempts: 5,
      backoff: { baseMs: 100, capMs: 1_000 },
    },
  });
  const commands = Array.from({ length: 40 }, () => register(newUser()));
  await acceptCommands(database.db, commands);
  await submitter.start();
  try {
    await waitFor(
      async () => {
        const [row] = await database.db.execute<{ left: number }>(
          sql`select count(*)::int as left from commands where status <> 'COMMITTED'`,
        );
        return row!.left === 0;
      },
      60_000,
      'every registration to commit',
    );
  } finally {
    await submitter.stop(5_000);
  }
  expect(counts.most).toBe(3);
  expect(counts.open).toBe(0);
});
