import { randomUUID } from 'node:crypto';
import {
  channels,
  commands,
  createListener,
  credentials,
  decodeCommandNotice,
  type NotificationListener,
} from '@gx/db';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import type { Ledger } from '@gx/fabric';
import { DevnetFixture } from '@gx/fabric/testing';
import { startOpsServer } from '@gx/runtime';
import { allowedFrom } from '@gx/schema';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commitOnLedger,
  type InProcessProjector,
  mint,
  newUser,
  quietLogger,
  recordCommands,
  recordingLogger,
  register,
  reviewKyc,
  startProjector,
  submitKyc,
  type TestCommand,
  transfer,
  until,
  updateProfile,
} from './testing/index.js';

const fixture = new DevnetFixture({ batchTimeoutMs: 20 });
let database: TestDatabase;
let ledger: Ledger;
let live: InProcessProjector;
let listener: NotificationListener;
const notified: string[] = [];
const recording = recordingLogger();

beforeAll(async () => {
  await fixture.start();
  database = await createTestDatabase();
  ledger = await fixture.connect();
  listener = createListener(database.url, { logger: quietLogger });
  listener.subscribe(channels.command, (payload) => notified.push(...decodeCommandNotice(payload)));
  await listener.ready();
  live = await startProjector({
    databaseUrl: database.url,
    connectionDir: fixture.connectionDir,
    logger: recording.logger,
  });
});

afterAll(async () => {
  await live?.stop();
  await listener?.close();
  ledger?.close();
  await database?.drop();
  await fixture.destroy();
});

async function statuses(list: readonly TestCommand[]) {
  const rows = await database.db
    .select()
    .from(commands)
    .where(
      inArray(
        commands.id,
        list.map((c) => c.row.id),
      ),
    );
  return new Map(rows.map((r) => [r.id, r]));
}

async function finished(list: readonly TestCommand[]) {
  return until(async () => {
    const rows = await statuses(list);
    return [...rows.values()].every((r) => r.status === 'PROJECTED' || r.status === 'REJECTED') && rows;
  }, 'the commands to be projected');
}

const notifiedOf = (list: readonly TestCommand[]) =>
  until(async () => list.every((c) => notified.includes(c.row.id)), 'a NOTIFY naming every command', 5_000);

describe('projecting events into the read models', () => {
  const alice = newUser();
  const bob = newUser();

  it('applies every event type as the design says, from single functions and batches', async () => {
    const signUp = register(alice, { firstName: 'Alice', lastName: 'Liddell' });
    // the api has recorded it, the submitter not yet anything: the projector gets there first
    await recordCommands(database.db, [signUp], 'ACCEPTED');
    const single = await commitOnLedger(ledger, [signUp]);

    const batch = [
      register(bob, { firstName: 'Bob', lastName: 'Builder' }),
      mint(alice, '1000'),
      transfer(alice, bob, '300', 'for the bricks'),
      updateProfile(alice, 'Alicia', 'Liddell-Hart', 'FR'),
      submitKyc(alice, 'NATIONAL_ID'),
      reviewKyc(alice, 'REJECT', 'the scan is blurred'),
    ];
    await recordCommands(database.db, batch, 'COMMITTED');
    const committed = await commitOnLedger(ledger, batch);
    expect(committed.results.every((r) => r.outcome === 'APPLIED')).toBe(true);

    const rows = await finished([signUp, ...batch]);
    for (const command of [signUp, ...batch]) {
      const row = rows.get(command.row.id)!;
      expect(row.status).toBe('PROJECTED');
      expect(row.projectedAt).toBeInstanceOf(Date);
      expect(row.ledgerTxId).toBeNull();
    }
    expect(rows.get(signUp.row.id)!.blockNumber).toBe(single.blockNumber);
    expect(rows.get(batch[0]!.row.id)!.blockNumber).toBe(committed.blockNumber);

    const [profile] = await database.sql`select * from user_profiles where id = ${alice.profileId}`;
    expect(profile).toMatchObject({
      wallet_id: alice.walletId,
      email: alice.email,
      first_name: 'Alicia',
      last_name: 'Liddell-Hart',
      country: 'FR',
      account_type: 'INDIVIDUAL',
      status: 'ACTIVE',
      kyc_status: 'REJECTED',
    });
    // read-model times are the acceptance times (so a replay writes equal rows)
    const [times] = await database.sql`
      select p.created_at = c.created_at as equal from user_profiles p, commands c
      where p.id = ${alice.profileId} and c.id = ${signUp.row.id}`;
    expect(times!.equal).toBe(true);

    const [kyc] = await database.sql`select * from kyc_verifications where profile_id = ${alice.profileId}`;
    expect(kyc).toMatchObject({
      status: 'REJECTED',
      document_type: 'NATIONAL_ID',
      reason: 'the scan is blurred',
    });
    expect(kyc!.submitted_at).not.toBeNull();
    expect(kyc!.reviewed_at).not.toBeNull();

    const balances = await database.sql`select id, balance, block_number from wallets order by balance`;
    expect(balances.map((w) => [w.id, w.balance])).toEqual([
      [bob.walletId, '300'],
      [alice.walletId, '700'],
    ]);

    const moves = await database.sql`
      select wallet_id, profile_id, direction, amount, counterparty_profile_id, counterparty_wallet_id, memo,
        fabric_tx_id, block_number, created_at, command_id
      from transactions order by id`;
    expect(
      moves.map((m) => [m.profile_id, m.direction, m.amount, m.counterparty_profile_id, m.memo]),
    ).toEqual([
      [alice.profileId, 'IN', '1000', null, null],
      [bob.profileId, 'IN', '300', alice.profileId, 'for the bricks'],
      [alice.profileId, 'OUT', '300', bob.profileId, 'for the bricks'],
    ]);
    for (const move of moves) {
      expect(move.fabric_tx_id).toBe(committed.transactionId);
      expect(BigInt(move.block_number)).toBe(committed.blockNumber);
    }
    const [stamped] = await database.sql`
      select bool_and(t.created_at = c.created_at) as equal from transactions t join commands c on c.id = t.command_id`;
    expect(stamped!.equal).toBe(true);

    await notifiedOf([signUp, ...batch]);
    expect(await metric('projector_events_processed_total{status="success"}')).toBe(7);
  });

  it('sets refused commands of a batch REJECTED with the reason, and frees a refused registration e-mail', async () => {
    const carol = newUser();
    const impostor = { ...newUser(), walletId: carol.walletId }; // a wallet exists once
    const batch = [register(carol), register(impostor), transfer(bob, alice, '1000000')];
    await recordCommands(database.db, batch, 'SUBMITTED');
    const committed = await commitOnLedger(ledger, batch);
    expect(committed.results.map((r) => r.outcome)).toEqual(['APPLIED', 'REJECTED', 'REJECTED']);

    const rows = await finished(batch);
    expect(rows.get(batch[0]!.row.id)!.status).toBe('PROJECTED');
    for (const refused of batch.slice(1)) {
      const row = rows.get(refused.row.id)!;
      const result = committed.results.find((r) => r.commandId === refused.row.id)!;
      expect(row).toMatchObject({
        status: 'REJECTED',
        errorCode: 'REJECTED',
        blockNumber: committed.blockNumber,
      });
      expect(result.outcome === 'REJECTED' && row.errorMessage === result.reason).toBe(true);
    }
    const kept = await database.db
      .select()
      .from(credentials)
      .where(eq(credentials.profileId, carol.profileId));
    const freed = await database.db
      .select()
      .from(credentials)
      .where(eq(credentials.profileId, impostor.profileId));
    expect(kept).toHaveLength(1);
    expect(freed).toHaveLength(0);
    const balances = await database.sql`select balance from wallets where id = ${bob.walletId}`;
    expect(balances[0]!.balance).toBe('300');
    await notifiedOf(batch);
  });

  it('never moves a status backwards, whoever gets there first', async () => {
    // the submitter records COMMITTED after the projector: its transition finds nothing to move
    const late = mint(alice, '5');
    await recordCommands(database.db, [late], 'SUBMITTED');
    await commitOnLedger(ledger, [late]);
    await finished([late]);
    const moved = await database.sql`
      update commands set status = 'COMMITTED'
      where id = ${late.row.id} and status = any(${allowedFrom('submitter', 'COMMITTED') as string[]})
      returning id`;
    expect(moved).toHaveLength(0);

    // a command the submitter gave up on (DEAD) that reached the ledger after all moves on
    const dead = mint(alice, '6');
    await recordCommands(database.db, [dead], 'DEAD');
    await commitOnLedger(ledger, [dead]);
    expect((await finished([dead])).get(dead.row.id)!.status).toBe('PROJECTED');
    await notifiedOf([late, dead]);
  });

  it('projects an event whose command row is missing, with empty personal fields and a warning', async () => {
    const stranger = newUser();
    const foreign = register(stranger); // put on the ledger by someone else: no row here
    const after = mint(alice, '7');
    await recordCommands(database.db, [after], 'COMMITTED');
    await commitOnLedger(ledger, [foreign]);
    await commitOnLedger(ledger, [after]);
    await finished([after]);
    const [profile] = await database.sql`select * from user_profiles where id = ${stranger.profileId}`;
    expect(profile).toMatchObject({ email: '', first_name: '', last_name: '', wallet_id: stranger.walletId });
    expect(recording.lines.some((l) => l.commandId === foreign.row.id && l.level === 40)).toBe(true);
    expect(JSON.stringify(recording.lines)).not.toContain(stranger.email);
  });

  it('retries the same block with backoff after a database fault, skipping nothing', async () => {
    const dave = newUser();
    const signUp = register(dave);
    const next = mint(alice, '8');
    await recordCommands(database.db, [signUp, next], 'COMMITTED');
    // every write of dave's wallet fails until the constraint goes
    await database.sql.unsafe(
      `alter table wallets add constraint projector_test_fault check (id <> '${dave.walletId}') not valid`,
    );
    const [before] =
      await database.sql`select block_number::text, tx_id from projector_checkpoints where name = 'main'`;
    try {
      await commitOnLedger(ledger, [signUp]);
      await commitOnLedger(ledger, [next]);
      await until(
        async () =>
          recording.lines.filter((l) => l.msg === 'projecting a block failed; retrying the same block')
            .length >= 3,
        'three attempts',
        10_000,
      );
      const [during] =
        await database.sql`select block_number::text, tx_id from projector_checkpoints where name = 'main'`;
      expect(during).toEqual(before);
      expect((await statuses([signUp, next])).get(next.row.id)!.status).toBe('COMMITTED');
    } finally {
      await database.sql`alter table wallets drop constraint projector_test_fault`;
    }
    const rows = await finished([signUp, next]);
    expect(rows.get(signUp.row.id)!.status).toBe('PROJECTED');
    expect(rows.get(next.row.id)!.status).toBe('PROJECTED');
    const [wallet] = await database.sql`select balance from wallets where id = ${dave.walletId}`;
    expect(wallet).toEqual({ balance: '0' });
    // the failed statements carried dave's personal fields: none of them reached the log
    const logged = JSON.stringify(recording.lines);
    expect(logged).toContain('projector_test_fault');
    expect(logged).not.toContain(dave.email);
    expect(logged).not.toContain('Lovelace');
  });

  it('serves /livez, /readyz (leader, lag) and /metrics with the design names', async () => {
    const ops = await startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: live.registry,
      logger: quietLogger,
      readiness: () => live.projector.readiness(),
    });
    try {
      const base = `http://127.0.0.1:${ops.port}`;
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        role: 'leader',
        lagBlocks: 0,
        lagSeconds: 0,
      });
      const text = await (await fetch(`${base}/metrics`)).text();
      for (const name of [
        'projector_events_processed_total{status="success"}',
        'projector_events_processed_total{status="validation_failed"} 0',
        'projector_blockchain_height',
        'projector_lag_blocks 0',
        'projector_lag_seconds 0',
        'projector_processing_duration_seconds_count',
        'projector_is_leader 1',
        'command_stage_duration_seconds_count{stage="projected"}',
      ]) {
        expect(text).toContain(name);
      }
      const height = Number(/projector_blockchain_height (\d+)/.exec(text)?.[1]);
      expect(height).toBe(Number(await ledger.chainHeight()));
    } finally {
      await ops.close();
    }
  });

  it('reports lag from Postgres: committed commands waiting for their projection', async () => {
    const [checkpoint] =
      await database.sql`select block_number from projector_checkpoints where name = 'main'`;
    const id = randomUUID();
    await database.db.insert(commands).values({
      id,
      type: 'MINT',
      aggregateId: randomUUID(),
      payload: {},
      correlationId: id,
      status: 'COMMITTED',
      blockNumber: BigInt(checkpoint!.block_number) + 5n,
      committedAt: new Date(Date.now() - 3_000),
    });
    const lag = await live.projector.readiness();
    expect(lag.details).toMatchObject({ lagBlocks: 5 });
    expect(lag.details!.lagSeconds as number).toBeGreaterThanOrEqual(3);
    await database.db.delete(commands).where(eq(commands.id, id));
    expect((await live.projector.readiness()).details).toMatchObject({ lagBlocks: 0, lagSeconds: 0 });
  });
});

async function metric(series: string): Promise<number> {
  const text = await live.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(series));
  return Number(line?.slice(line.lastIndexOf(' ') + 1));
}
