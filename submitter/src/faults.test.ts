import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { DevnetFixture, silentLogger } from '@gx/fabric/testing';
import { parseConfig } from '@gx/runtime';
import { allowedFrom } from '@gx/schema';
import { mint, newUser, register, updateProfile } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitterEnv } from './config.js';
import { type RunningSubmitter, startSubmitter } from './startSubmitter.js';
import { waitFor } from './testing/waitFor.js';

const fixture = new DevnetFixture();
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await fixture.start();
});
afterAll(async () => {
  await fixture.destroy();
  await database?.drop();
});

async function run(env: Record<string, string>): Promise<RunningSubmitter> {
  const config = parseConfig(submitterEnv, {
    DATABASE_URL: database.url,
    FABRIC_CONNECTION_DIR: fixture.connectionDir,
    SUBMITTER_PORT: '0',
    SUBMITTER_POLL_MS: '100',
    SUBMITTER_BACKOFF_BASE_MS: '100',
    SUBMITTER_BACKOFF_CAP_MS: '500',
    ...env,
  });
  return startSubmitter(config, silentLogger);
}

async function rows(ids: readonly string[]) {
  return database.db.execute<{ id: string; status: string; attempts: number; error_message: string | null }>(
    sql`select id, status, attempts, error_message from commands where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
}

const breakerState = async (port: number) => {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return /fabric_circuit_breaker_state\{state="(\w+)"\} 1/.exec(text)?.[1];
};

describe('faults', () => {
  it('devnet stopped for 10 s under load: the breaker opens, no attempt is burned, everything commits after', async () => {
    const running = await run({ FABRIC_BREAKER_RESET_MS: '2000', FABRIC_BREAKER_VOLUME: '3' });
    try {
      const users = Array.from({ length: 40 }, newUser);
      const first = users.slice(0, 20).map(register);
      await acceptCommands(database.db, first);
      await waitFor(
        async () => (await rows(first.map((c) => c.id))).every((r) => r.status === 'COMMITTED'),
        30_000,
        'warm-up',
      );

      await fixture.stop();
      const during = [...users.slice(20).map(register), ...users.slice(0, 20).map((u) => mint(u, '5'))];
      const feeding = (async () => {
        for (let i = 0; i < during.length; i += 5) {
          await acceptCommands(database.db, during.slice(i, i + 5));
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      })();
      await waitFor(async () => (await breakerState(running.port)) === 'OPEN', 10_000, 'the breaker to open');
      await new Promise((resolve) => setTimeout(resolve, 10_000 - 1_000));
      await feeding;
      expect((await rows(during.map((c) => c.id))).some((r) => r.status === 'COMMITTED')).toBe(false);
      await fixture.start();

      await waitFor(
        async () => (await rows(during.map((c) => c.id))).every((r) => r.status === 'COMMITTED'),
        60_000,
        'the backlog to drain',
      );
      const attempts = (await rows(during.map((c) => c.id))).map((r) => r.attempts);
      expect(Math.max(...attempts)).toBe(0);
      expect(await breakerState(running.port)).toBe('CLOSED');
    } finally {
      await running.stop();
    }
  }, 90_000);

  it('exhausted retries end DEAD with the last error; an admin reset to ACCEPTED makes it go again', async () => {
    // Every call slower than the breaker's timeout: each try reaches the ledger and fails.
    const running = await run({
      SUBMITTER_MAX_ATTEMPTS: '2',
      FABRIC_BREAKER_TIMEOUT_MS: '300',
      FABRIC_BREAKER_VOLUME: '1000',
    });
    try {
      const user = newUser();
      const command = register(user);
      fixture.devnet.setFault({ delayMs: 1_000 });
      await acceptCommands(database.db, [command]);
      const [dead] = await waitFor(
        async () => {
          const found = await rows([command.id]);
          return found[0]?.status === 'DEAD' && found;
        },
        30_000,
        'the command to die',
      );
      expect(dead).toMatchObject({ status: 'DEAD', attempts: 2, error_message: 'ledger call timed out' });

      fixture.devnet.setFault({});
      // What the api's retryCommand does: DEAD → ACCEPTED, a new lifecycle.
      await database.db.execute(sql`
        update commands set status = 'ACCEPTED', attempts = 0, next_attempt_at = now(), error_code = null, error_message = null
         where id = ${command.id} and status in (${sql.join(
           allowedFrom('admin', 'ACCEPTED').map((s) => sql`${s}`),
           sql`, `,
         )})`);
      running.submitter.wake();
      await waitFor(
        async () => (await rows([command.id]))[0]?.status === 'COMMITTED',
        30_000,
        'the redriven command',
      );
      const profileUpdate = updateProfile(user);
      await acceptCommands(database.db, [profileUpdate]);
      await waitFor(
        async () => (await rows([profileUpdate.id]))[0]?.status === 'COMMITTED',
        30_000,
        'a later command',
      );
    } finally {
      fixture.devnet.setFault({});
      await running.stop();
    }
  }, 90_000);
});
