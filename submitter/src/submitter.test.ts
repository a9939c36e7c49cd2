import { acceptCommands, createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { DevnetFixture, silentLogger } from '@gx/fabric/testing';
import { parseConfig } from '@gx/runtime';
import { mint, newUser, register, transfer, updateProfile } from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitterEnv } from './config.js';
import { type RunningSubmitter, startSubmitter } from './startSubmitter.js';
import { appliedCommands } from './testing/ledgerAudit.js';
import { waitFor } from './testing/waitFor.js';

const fixture = new DevnetFixture();
let database: TestDatabase;
let running: RunningSubmitter;

async function statuses(ids: readonly string[]) {
  const rows = await database.db.execute<{
    id: string;
    status: string;
    error_message: string | null;
    attempts: number;
  }>(
    sql`select id, status, error_message, attempts from commands where id in (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

async function settled(ids: readonly string[], timeoutMs = 30_000) {
  return waitFor(
    async () => {
      const rows = await statuses(ids);
      return (
        [...rows.values()].every((r) => ['COMMITTED', 'REJECTED', 'DEAD', 'PROJECTED'].includes(r.status)) &&
        rows
      );
    },
    timeoutMs,
    'commands to settle',
  );
}

beforeAll(async () => {
  database = await createTestDatabase();
  await fixture.start();
  const config = parseConfig(submitterEnv, {
    DATABASE_URL: database.url,
    FABRIC_CONNECTION_DIR: fixture.connectionDir,
    SUBMITTER_PORT: '0',
    SUBMITTER_POLL_MS: '200',
  });
  running = await startSubmitter(config, silentLogger);
});
afterAll(async () => {
  await running?.stop();
  await fixture.destroy();
  await database?.drop();
});

describe('submitter', () => {
  it('puts an inserted command on the ledger: COMMITTED, with its event there', async () => {
    const user = newUser();
    const command = register(user);
    await acceptCommands(database.db, [command]);
    const rows = await settled([command.id]);
    expect(rows.get(command.id)?.status).toBe('COMMITTED');
    const [row] = await database.db.execute<{ ledger_tx_id: string; block_number: string }>(
      sql`select ledger_tx_id, block_number from commands where id = ${command.id}`,
    );
    expect(row?.ledger_tx_id).toMatch(/^[0-9a-f]{64}$/);
    const applied = await appliedCommands(await fixture.connect(), 1);
    expect(applied.filter((a) => a.commandId === command.id)).toEqual([
      expect.objectContaining({ eventName: 'UserCreated', transactionId: row?.ledger_tx_id }),
    ]);
  });

  it('rejects a transfer beyond the balance with the chaincode reason, alone and inside a batch whose others commit', async () => {
    const alice = newUser();
    const bob = newUser();
    await acceptCommands(database.db, [register(alice), register(bob), mint(alice, '5')]);
    const alone = transfer(alice, bob, '50');
    await acceptCommands(database.db, [alone]);
    const rows = await settled([alone.id]);
    expect(rows.get(alone.id)).toMatchObject({ status: 'REJECTED', attempts: 0 });
    expect(rows.get(alone.id)?.error_message).toMatch(/insufficient funds/);

    // Consecutive commands of one aggregate share a transaction: the refusal sits between two that commit.
    const ok1 = transfer(alice, bob, '2');
    const tooMuch = transfer(alice, bob, '10');
    const ok2 = updateProfile(alice);
    const ok3 = transfer(alice, bob, '3');
    await acceptCommands(database.db, [ok1, tooMuch, ok2, ok3]);
    const batch = await settled([ok1.id, tooMuch.id, ok2.id, ok3.id]);
    expect([ok1, tooMuch, ok3].map((c) => batch.get(c.id)?.status)).toEqual([
      'COMMITTED',
      'REJECTED',
      'COMMITTED',
    ]);
    expect(batch.get(tooMuch.id)?.error_message).toMatch(/insufficient funds/);
    const [tx] = await database.db.execute<{ count: number }>(
      sql`select count(distinct ledger_tx_id)::int as count from commands where id in (${ok1.id}, ${tooMuch.id}, ${ok3.id})`,
    );
    expect(tx?.count).toBe(1);
  });

  it("sends an aggregate's next command once the ledger has committed the one before, not once its outcome is written", async () => {
    const alice = newUser();
    const bob = newUser();
    const setup = [register(alice), register(bob), mint(alice, '10')];
    await acceptCommands(database.db, setup);
    await settled(setup.map((c) => c.id));
    const first = transfer(alice, bob, '1');
    const second = transfer(alice, bob, '2');
    // The first's COMMITTED write waits, inside its trigger, for a lock this test holds.
    const holder = await database.sql.reserve();
    await holder`select pg_advisory_lock(4242)`;
    await database.db.execute(sql`
      create function hold_outcome() returns trigger language plpgsql as $$
      begin perform pg_advisory_xact_lock_shared(4242); return new; end $$`);
    await database.db.execute(
      sql.raw(`create trigger hold_outcome before update on commands for each row
                 when (new.status = 'COMMITTED' and new.id = '${first.id}') execute function hold_outcome()`),
    );
    try {
      await acceptCommands(database.db, [first]);
      await waitFor(
        async () => (await statuses([first.id])).get(first.id)?.status === 'SUBMITTED',
        15_000,
        'first SUBMITTED',
      );
      await acceptCommands(database.db, [second]);

      const rows = await waitFor(
        async () => {
          const now = await statuses([first.id, second.id]);
          return now.get(second.id)?.status === 'COMMITTED' && now;
        },
        15_000,
        'the second to commit while the first outcome waits',
      );
      expect(rows.get(first.id)?.status).toBe('SUBMITTED');
      const applied = await appliedCommands(await fixture.connect(), 2);
      const blockOf = (id: string) => applied.find((a) => a.commandId === id)?.blockNumber ?? -1n;
      expect(blockOf(first.id)).toBeGreaterThan(0n);
      expect(blockOf(second.id)).toBeGreaterThan(blockOf(first.id));
    } finally {
      await holder`select pg_advisory_unlock(4242)`;
      holder.release();
    }
    expect((await settled([first.id])).get(first.id)?.status).toBe('COMMITTED');
    await database.db.execute(sql`drop trigger hold_outcome on commands`);
    await database.db.execute(sql`drop function hold_outcome()`);
  });

  it('exports its metrics', async () => {
    const text = await (await fetch(`http://127.0.0.1:${running.port}/metrics`)).text();
    for (const name of [
      'outbox_commands_processed_total',
      'outbox_queue_depth',
      'outbox_oldest_pending_age_seconds',
      'outbox_in_flight',
      'outbox_batch_size',
      'outbox_processing_duration_seconds',
      'command_stage_duration_seconds',
      'fabric_circuit_breaker_state',
      'fabric_submit_duration_seconds',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/outbox_commands_processed_total\{status="rejected"\} [1-9]/);
    expect((await fetch(`http://127.0.0.1:${running.port}/readyz`)).status).toBe(200);
  });
});
