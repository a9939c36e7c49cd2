/**
 * Submitter figures (issue 5), against the real processes: embedded PostgreSQL, devnet and the
 * submitter each in their own process, load inserted from this one.
 *
 *   npx tsx --conditions=@gx/source bench/submitter.ts [--backlog 20000] [--bare 3000] [--wakes 200]
 *     [--single-in-flight 64]
 *
 * - the bare official client's committed rate (64 in flight, no database) on the same devnet;
 * - the drain of a backlog (80 % transfers among 1,000 wallets, 20 % profile updates and KYC
 *   submissions) with batch size 1, then with batches;
 * - wake latency on an idle system (insert committed → claimed), LISTEN against a 100 ms poll.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { channels, connect, uuidArray } from '@gx/db';
import { acceptCommands } from '@gx/db/testing';
import {
  mint,
  newUser,
  register,
  submitKyc,
  type TestCommand,
  type TestUser,
  transfer,
  updateProfile,
} from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { bareClient, inFlight } from './lib/officialClient.js';
import { numberOption } from './lib/options.js';
import { type Figure, report } from './lib/report.js';
import { BenchStack, processCpuSeconds } from './lib/stack.js';
import { round, summarize } from './lib/stats.js';

const backlogSize = numberOption('backlog', 20_000);
const bareTransactions = numberOption('bare', 3_000);
const wakes = numberOption('wakes', 200);
// Transactions in flight for the batch-size-1 drain: the bare loop's 64 by default, for a like-for-like
// ratio; more shows how much of the gap is latency (the durable bookkeeping) rather than work.
const singleInFlight = numberOption('single-in-flight', 64);
const batchTimeoutMs = 20;

const stack = new BenchStack();
const figures: Figure[] = [];
const details: Record<string, unknown> = { backlogSize, bareTransactions, batchTimeoutMs, singleInFlight };

try {
  await stack.startDatabase();
  await stack.startDevnet({ DEVNET_BATCH_TIMEOUT_MS: String(batchTimeoutMs) });
  const { db, sql: pg, close } = connect(stack.databaseUrl, { max: 4 });

  // 1. The bare official client: single-function transactions, 64 in flight, no database.
  const bare = bareClient(stack.connectionDir);
  const identity = bare.contract('IdentityContract');
  const cpuBefore = process.cpuUsage();
  const bareStarted = performance.now();
  await inFlight(bareTransactions, 64, async () => {
    const id = randomUUID();
    const submitted = await identity.submitAsync('CreateUser', {
      arguments: [randomUUID(), id, randomUUID(), 'DE', 'INDIVIDUAL', 'a'.repeat(64)],
    });
    await submitted.getStatus();
  });
  const bareSeconds = (performance.now() - bareStarted) / 1000;
  const bareRate = bareTransactions / bareSeconds;
  const bareCpu = process.cpuUsage(cpuBefore);
  bare.close();
  figures.push({
    figure: 'bare official client, committed tx/s',
    value: round(bareRate, 0).toString(),
    load: `${bareTransactions} CreateUser, 64 in flight, client process + devnet process`,
  });
  details.bare = {
    rate: bareRate,
    clientCpuMsPerTx: (bareCpu.user + bareCpu.system) / 1000 / bareTransactions,
  };

  // 2. 1,000 users, registered and funded (not measured).
  const users: TestUser[] = Array.from({ length: 1_000 }, newUser);
  await acceptCommands(db, [...users.map(register), ...users.map((u) => mint(u, '1000000000'))]);
  let submitter = await stack.startService('submitter', { SUBMITTER_POLL_MS: '100' });
  await untilDrained();
  await submitter.stop();

  // 3. Drains of the same kind of backlog: batch size 1, then batches.
  const drains: { name: string; env: Record<string, string> }[] = [
    {
      name: 'batch size 1',
      env: { SUBMITTER_MAX_BATCH: '1', SUBMITTER_MAX_IN_FLIGHT: String(singleInFlight) },
    },
    { name: 'batches (max 100, 16 in flight)', env: {} },
  ];
  for (const mode of drains) {
    const backlog = makeBacklog(users, backlogSize);
    await acceptCommands(db, backlog);
    submitter = await stack.startService('submitter', { SUBMITTER_POLL_MS: '100', ...mode.env });
    const cpuAtStart = processCpuSeconds(submitter.child.pid!);
    await untilDrained();
    const cpu = processCpuSeconds(submitter.child.pid!) - cpuAtStart;
    await submitter.stop();
    const [span] = await db.execute<{ seconds: number; transactions: number; mean_batch: number }>(sql`
      select extract(epoch from max(c.committed_at) - min(c.claimed_at))::float8 as seconds,
             count(distinct c.ledger_tx_id)::int as transactions,
             (count(c.ledger_tx_id)::float8 / nullif(count(distinct c.ledger_tx_id), 0)) as mean_batch
        from commands c where c.id = any(${uuidArray(backlog.map((c) => c.id))}::uuid[])`);
    const stages = await db.execute<{ to_submit: number; to_commit: number }>(sql`
      select extract(epoch from submitted_at - claimed_at) * 1000 as to_submit,
             extract(epoch from committed_at - submitted_at) * 1000 as to_commit
        from commands where id = any(${uuidArray(backlog.map((c) => c.id))}::uuid[]) and committed_at is not null`);
    const rate = backlog.length / span!.seconds;
    details[mode.name] = {
      rate,
      seconds: span!.seconds,
      transactions: span!.transactions,
      meanBatch: span!.mean_batch,
      submitterCpuMsPerCommand: (cpu * 1000) / backlog.length,
      claimedToSubmittedMs: summarize(stages.map((s) => Number(s.to_submit))),
      submittedToCommittedMs: summarize(stages.map((s) => Number(s.to_commit))),
    };
    figures.push({
      figure: `drain, ${mode.name}, commands/s`,
      value: `${round(rate, 0)} (mean batch ${round(span!.mean_batch, 1)})`,
      load: `${backlog.length} commands backlog, 1 submitter process + devnet (batch timeout ${batchTimeoutMs} ms)`,
    });
  }
  const single = details['batch size 1'] as { rate: number };
  const batched = details['batches (max 100, 16 in flight)'] as { rate: number };
  figures.push({
    figure: 'batch size 1 drain ÷ bare client',
    value: `${round((single.rate / bareRate) * 100, 0)} %`,
    target: '≥ 90 %',
    load: `same devnet, same run; submitter ${singleInFlight} in flight, bare client 64`,
  });
  figures.push({
    figure: 'batched drain ÷ batch size 1 drain',
    value: `${round(batched.rate / single.rate, 1)}×`,
    target: '≥ 5×',
    load: 'same backlog shape, same run',
  });

  // 4. Wake latency on an idle system: LISTEN against a 100 ms poll.
  const wakeModes: { name: string; env: Record<string, string> }[] = [
    { name: 'LISTEN', env: {} },
    { name: 'poll 100 ms', env: { SUBMITTER_LISTEN: 'false', SUBMITTER_POLL_MS: '100' } },
  ];
  for (const mode of wakeModes) {
    submitter = await stack.startService('submitter', mode.env);
    const samples: number[] = [];
    const count = mode.name === 'LISTEN' ? wakes : Math.ceil(wakes / 2);
    for (let i = 0; i < count; i += 1) {
      const command = updateProfile(users[i % users.length]!);
      // One autocommit INSERT: when it returns, the row is committed (and fsynced), which is
      // where the wake starts; then the notice, as the api sends it after commit. The clock is
      // the host's wall clock on both sides: PostgreSQL's clock_timestamp() and Date.now(). (Not
      // performance.timeOrigin + now(): the monotonic clock drifts from the wall clock by several
      // milliseconds over a run here.) Date.now() counts whole milliseconds, rounded down, so a
      // wake reads on average half a millisecond longer than it was.
      await pg`insert into commands (id, type, aggregate_id, payload, correlation_id)
               values (${command.id}, ${command.type}, ${command.payload.profileId},
                       ${JSON.stringify(command.payload)}::jsonb, ${'bench-wake'})`;
      const committedAtMs = Date.now();
      await pg`select pg_notify(${channels.outbox}, '')`;
      samples.push((await claimedAtMs(command.id)) - committedAtMs);
      await sleep(20 + Math.random() * 30);
    }
    await submitter.stop();
    details[`wake ${mode.name}`] = summarize(samples);
    const s = summarize(samples);
    figures.push({
      figure: `wake latency, ${mode.name} (insert committed → claimed), ms`,
      value: `p50 ${s.median}, p99 ${s.p99}`,
      target: mode.name === 'LISTEN' ? 'p50 < 5, p99 < 25' : '',
      load: `${count} single commands on an idle system, one at a time`,
    });
  }
  const listen = details['wake LISTEN'] as { median: number };
  const poll = details['wake poll 100 ms'] as { median: number };
  figures.push({
    figure: 'wake latency p50, poll ÷ LISTEN',
    value: `${round(poll.median / listen.median, 1)}×`,
    load: 'same run',
  });

  await close();
  report('submitter', figures, details);

  /**
   * Until no command is on its way. It counts those still on their way, fewer as the drain goes,
   * on their partial index: a count of the settled ones read the whole growing history five times
   * a second and took a tenth of PostgreSQL's time during a drain, from the submitter it measures.
   */
  async function untilDrained(): Promise<void> {
    for (;;) {
      const [row] = await db.execute<{ n: number }>(
        sql`select count(*)::int as n from commands where status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')`,
      );
      if (row!.n === 0) return;
      await sleep(200);
    }
  }

  /** When the submitter claimed the command, once it has settled, in epoch milliseconds. */
  async function claimedAtMs(id: string): Promise<number> {
    for (;;) {
      const [row] = await db.execute<{ claimedAtMs: string }>(sql`
        select extract(epoch from claimed_at) * 1000 as "claimedAtMs"
          from commands where id = ${id} and status in ('COMMITTED', 'REJECTED')`);
      if (row) return Number(row.claimedAtMs);
      await sleep(5);
    }
  }
} finally {
  await stack.stop();
}

function makeBacklog(users: readonly TestUser[], size: number): TestCommand[] {
  const pick = () => users[Math.floor(Math.random() * users.length)]!;
  return Array.from({ length: size }, () => {
    const roll = Math.random();
    if (roll < 0.8) {
      const from = pick();
      let to = pick();
      while (to === from) to = pick();
      return transfer(from, to, '1');
    }
    return roll < 0.9 ? updateProfile(pick()) : submitKyc(pick());
  });
}
