/**
 * Projector figures (issue 6), against the real processes: embedded PostgreSQL, devnet and the
 * projector each in their own process; the ledger is loaded and NOTIFY is listened to from this one.
 *
 *   npx tsx --conditions=@gx/source bench/projector.ts [--backlog 50000] [--single 5000] [--rate 500] [--seconds 30] [--profile]
 *
 * - catch-up: a backlog of `--backlog` commands' events already on the ledger (`--single` of them as
 *   single-function transactions, the rest in batches of 100), projected by a projector started
 *   afterwards; domain events/s (a command inside a batch counts as one), beside the rate at which a
 *   bare official-client loop merely reads the same events;
 * - latency: block committed (the client's commit status) → `gx_command` NOTIFY received, at
 *   `--rate` domain events/s (transactions of 10 commands every 20 ms) for `--seconds`.
 *
 * With `--profile` the projector runs under `--cpu-prof` (the profile lands in bench/results at its
 * exit); `PROJECTOR_LOG=<file> PROJECTOR_LOG_LEVEL=debug` keep its log, with each transaction's time.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { channels, connect, createListener, decodeCommandNotice } from '@gx/db';
import { acceptCommands } from '@gx/db/testing';
import { connectLedger, type Ledger, LedgerConflictError } from '@gx/fabric';
import { createLogger, sourceServiceArgs } from '@gx/runtime';
import { type BatchCommand, type CommandPayload, toLedgerArgs } from '@gx/schema';
import {
  mint,
  newUser,
  register,
  type TestCommand,
  type TestUser,
  transfer,
  updateProfile,
} from '@gx/schema/testing';
import { sql } from 'drizzle-orm';
import { bareClient, inFlight } from './lib/officialClient.js';
import { flag, numberOption } from './lib/options.js';
import { type Figure, report } from './lib/report.js';
import { BenchStack, processCpuSeconds } from './lib/stack.js';
import { round, summarize } from './lib/stats.js';

const backlogSize = numberOption('backlog', 50_000);
const singleCount = numberOption('single', 5_000);
const eventsPerSecond = numberOption('rate', 500);
const latencySeconds = numberOption('seconds', 30);
const batchTimeoutMs = 20;
const userCount = 1_000;
const batchSize = 100;

const logger = createLogger({ service: 'bench', level: 'warn', format: 'json' });
const stack = new BenchStack();
const figures: Figure[] = [];
const details: Record<string, unknown> = { backlogSize, singleCount, batchSize, batchTimeoutMs, userCount };
/** The machine's 1-minute load average (2 cores, shared): the figures mean little without it. */
const loadAverage: Record<string, number> = {};
const noteLoad = (moment: string) => {
  loadAverage[moment] = round(loadavg()[0]!);
};
details.loadAverage = loadAverage;

const toLedger = (c: TestCommand): BatchCommand =>
  ({
    commandId: c.id,
    type: c.type,
    args: toLedgerArgs(c.type, c.payload as CommandPayload),
  }) as BatchCommand;

/**
 * Puts commands on the ledger in one transaction and waits for its commit: a fault endorses again
 * or resubmits the same envelope (never applied twice), an MVCC conflict endorses again. Resolves
 * whether the transaction set a chaincode event (a single command repeated after all answers
 * without one).
 */
async function commit(ledger: Ledger, list: readonly TestCommand[]): Promise<boolean> {
  for (;;) {
    const prepared = await retried(() => ledger.prepare(list.map(toLedger)));
    try {
      const committed = await retried(() => ledger.submitPrepared(prepared.envelope));
      return list.length > 1 || committed.results[0]?.outcome !== 'ALREADY_APPLIED';
    } catch (error) {
      if (!(error instanceof LedgerConflictError)) throw error;
    }
  }
}

/** A ledger call again after a fault (an overloaded machine misses deadlines), up to 8 times; a conflict at once. */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (error instanceof LedgerConflictError || attempt >= 8) throw error;
      await sleep(250 * attempt);
    }
  }
}

/** The projector as `startService` runs it, under `--cpu-prof` (written to bench/results at its exit). */
async function profiledProjector() {
  const child = spawn(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${path.join(import.meta.dirname, 'results')}`,
      ...sourceServiceArgs(path.join(import.meta.dirname, '..', 'projector')),
    ],
    {
      cwd: path.join(import.meta.dirname, '..', 'projector'),
      env: {
        ...process.env,
        DATABASE_URL: stack.databaseUrl,
        FABRIC_CONNECTION_DIR: stack.connectionDir,
        PROJECTOR_PORT: '0',
        LOG_FORMAT: 'json',
        // `PROJECTOR_LOG=<file> PROJECTOR_LOG_LEVEL=debug`: its log, with each transaction's time
        LOG_LEVEL: process.env.PROJECTOR_LOG_LEVEL ?? 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', () => reject(new Error('the projector exited before it was ready')));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (process.env.PROJECTOR_LOG) appendFileSync(process.env.PROJECTOR_LOG, `${line}\n`);
      const port = (JSON.parse(line) as { port?: unknown }).port;
      if (typeof port === 'number') resolve(port);
    });
  });
  return {
    child,
    port,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The projector's own transaction times so far, from its /metrics. */
async function processing(port: number): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    sum: value('projector_processing_duration_seconds_sum'),
    count: value('projector_processing_duration_seconds_count'),
  };
}

try {
  noteLoad('atStart');
  await stack.startDatabase();
  await stack.startDevnet({ DEVNET_BATCH_TIMEOUT_MS: String(batchTimeoutMs), DEVNET_CONTROL_PORT: '0' });
  const { db, sql: pg, close } = connect(stack.databaseUrl, { max: 4 });
  const ledger = await connectLedger({
    folder: stack.connectionDir,
    logger,
    deadlines: { submitMs: 30_000 },
    breaker: { timeoutMs: 120_000, volumeThreshold: 1_000_000 },
  });

  // 1. The backlog, on the ledger before any projector runs (command rows recorded as the api would).
  const users: TestUser[] = Array.from({ length: userCount }, newUser);
  const pick = () => users[Math.floor(Math.random() * users.length)]!;
  const setup = [...users.map(register), ...users.map((u) => mint(u, '1000000000'))];
  const loadStarted = performance.now();
  let ledgerEvents = 0;
  const put = async (list: readonly TestCommand[]) => {
    if (await commit(ledger, list)) ledgerEvents += 1;
  };
  await acceptCommands(db, setup);
  for (let i = 0; i < setup.length; i += batchSize) await put(setup.slice(i, i + batchSize));

  // single-function transactions, 32 in flight, each in-flight one on a user of its own
  const singles = Array.from({ length: singleCount }, (_, i) => updateProfile(users[i % users.length]!));
  await acceptCommands(db, singles);
  await inFlight(singles.length, 32, (i) => put([singles[i]!]));

  // batches of mixed commands (mostly transfers), one transaction at a time
  const batched: TestCommand[] = Array.from({ length: backlogSize - setup.length - singles.length }, () => {
    if (Math.random() < 0.85) {
      const from = pick();
      let to = pick();
      while (to === from) to = pick();
      return transfer(from, to, String(1 + Math.floor(Math.random() * 100)));
    }
    return Math.random() < 0.5 ? updateProfile(pick()) : mint(pick(), '500');
  });
  await acceptCommands(db, batched);
  for (let i = 0; i < batched.length; i += batchSize) await put(batched.slice(i, i + batchSize));
  const total = setup.length + singles.length + batched.length;
  details.backlog = {
    commands: total,
    ledgerEvents,
    height: String(await ledger.chainHeight()),
    loadSeconds: round((performance.now() - loadStarted) / 1000),
  };

  // 2. A bare official-client loop that merely reads the same events from block 0.
  const bare = bareClient(stack.connectionDir);
  const network = bare.gateway.getNetwork('gx-channel');
  const readStarted = performance.now();
  const stream = await network.getChaincodeEvents('gx', { startBlock: 0n });
  let read = 0;
  for await (const _event of stream) {
    read += 1;
    if (read === ledgerEvents) break;
  }
  stream.close();
  const readSeconds = (performance.now() - readStarted) / 1000;
  bare.close();
  details.bareRead = { ledgerEvents: read, seconds: readSeconds };

  // 3. Catch-up: a projector started on the backlog.
  noteLoad('beforeCatchUp');
  const started = performance.now();
  const projector = flag('profile') ? await profiledProjector() : await stack.startService('projector');
  const cpuAtStart = processCpuSeconds(projector.child.pid!);
  for (;;) {
    const [row] = await db.execute<{ open: number }>(
      sql`select count(*)::int as open from commands where status not in ('PROJECTED', 'REJECTED')`,
    );
    if (row!.open === 0) break;
    await sleep(100);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  noteLoad('afterCatchUp');
  const cpuSeconds = processCpuSeconds(projector.child.pid!) - cpuAtStart;
  const [span] = await db.execute<{ seconds: number }>(
    sql`select extract(epoch from max(projected_at) - min(projected_at))::float8 as seconds from commands`,
  );
  const catchUpRate = total / span!.seconds;
  details.catchUp = {
    events: total,
    firstToLastProjectionSeconds: span!.seconds,
    wallSecondsIncludingStart: wallSeconds,
    projectorCpuMsPerEvent: (cpuSeconds * 1000) / total,
  };
  figures.push({
    figure: 'catch-up, domain events/s projected',
    value: `${round(catchUpRate, 0)} (${round(total / wallSeconds, 0)} counting the process start)`,
    target: '≥ 3,000',
    load: `${total} commands' events on the ledger (${singles.length} single-function transactions, the rest in batches of ${batchSize}), 1 projector process + devnet + PostgreSQL; load average ${loadAverage.beforeCatchUp} → ${loadAverage.afterCatchUp}`,
  });
  figures.push({
    figure: 'bare official-client read of the same events, domain events/s',
    value: `${round(total / readSeconds, 0)} (${round(read / readSeconds, 0)} ledger events/s)`,
    load: `chaincode events from block 0, ${read} ledger events, nothing done with them`,
  });

  // 4. Block committed → NOTIFY received, at `eventsPerSecond`, in a steady state: the catch-up left
  // 100,000 dead wallet and command row versions, which autovacuum would be clearing meanwhile.
  await pg.unsafe('vacuum analyze');
  const listener = createListener(stack.databaseUrl, { logger });
  const notifiedAt = new Map<string, number>();
  const committedAt = new Map<string, number>();
  listener.subscribe(channels.command, (payload) => {
    const now = performance.now();
    for (const id of decodeCommandNotice(payload)) if (!notifiedAt.has(id)) notifiedAt.set(id, now);
  });
  await listener.ready();
  // for scale: when the same block's chaincode event reaches a bare official-client reader here
  const eventSeenAt = new Map<string, number>();
  const watcher = bareClient(stack.connectionDir);
  const watched = await watcher.gateway
    .getNetwork('gx-channel')
    .getChaincodeEvents('gx', { startBlock: await ledger.chainHeight() });
  void (async () => {
    try {
      for await (const event of watched) {
        const { results } = JSON.parse(Buffer.from(event.payload).toString()) as {
          results?: { commandId: string }[];
        };
        const first = results?.[0]?.commandId;
        if (first) eventSeenAt.set(first, performance.now());
      }
    } catch {
      // closed
    }
  })();
  const perTransaction = 10;
  const intervalMs = (perTransaction / eventsPerSecond) * 1000;
  const transactions = Math.round((latencySeconds * 1000) / intervalMs);
  const warmUp = Math.round(3_000 / intervalMs);
  // the command rows first (the api's part, not measured), then one transaction every interval, the
  // first 3 s not measured (warm-up), each on 2 × 10 users of its own, so transactions in flight
  // never share a key
  const planned: TestCommand[][] = [];
  let window = 0;
  for (let t = 0; t < warmUp + transactions; t += 1) {
    const slice = Array.from({ length: perTransaction * 2 }, (_, k) => users[(window + k) % users.length]!);
    window = (window + perTransaction * 2) % users.length;
    planned.push(
      Array.from({ length: perTransaction }, (_, k) => transfer(slice[2 * k]!, slice[2 * k + 1]!, '1')),
    );
  }
  await acceptCommands(db, planned.flat());
  let processingBefore = await processing(projector.port);
  noteLoad('beforeLatency');
  const pending: Promise<void>[] = [];
  // a transaction the overloaded ledger could not take is a missing sample, not the end of the run
  let failedTransactions = 0;
  const latencyStarted = performance.now();
  for (const [t, list] of planned.entries()) {
    pending.push(
      commit(ledger, list).then(
        () => {
          // one sample per transaction after the first 3 s (warm-up): its first command stands for it
          if (t >= warmUp) committedAt.set(list[0]!.id, performance.now());
        },
        () => {
          failedTransactions += 1;
        },
      ),
    );
    if (t + 1 === warmUp) processingBefore = await processing(projector.port);
    const next = latencyStarted + (t + 1) * intervalMs;
    await sleep(Math.max(0, next - performance.now()));
  }
  const offeredSeconds = (performance.now() - latencyStarted) / 1000 - 3;
  await Promise.all(pending);
  await sleep(2_000);
  const processingAfter = await processing(projector.port);
  noteLoad('afterLatency');
  await listener.close();
  watched.close();
  watcher.close();
  const eventLag = [...committedAt]
    .map(([id, at]) => (eventSeenAt.get(id) ?? Number.NaN) - at)
    .filter((l) => !Number.isNaN(l));
  details.commitStatusToEventAtBareReaderMs = summarize(eventLag);
  const eventToNotify = [...committedAt.keys()]
    .map((id) => (notifiedAt.get(id) ?? Number.NaN) - (eventSeenAt.get(id) ?? Number.NaN))
    .filter((l) => !Number.isNaN(l));
  details.eventAtBareReaderToNotifyMs = summarize(eventToNotify);
  // a NOTIFY seen before the commit status came back to the client counts as 0 ms
  const latencies = [...committedAt].map(([id, at]) => Math.max(0, (notifiedAt.get(id) ?? Number.NaN) - at));
  const missing = latencies.filter(Number.isNaN).length;
  const latency = summarize(latencies.filter((l) => !Number.isNaN(l)));
  details.notifyLatencyMs = {
    ...latency,
    transactions,
    perTransaction,
    offeredSeconds,
    missing,
    failedTransactions,
  };
  details.projectorTransactionsDuringLatency = {
    count: processingAfter.count - processingBefore.count,
    meanMs: round(
      ((processingAfter.sum - processingBefore.sum) * 1000) /
        (processingAfter.count - processingBefore.count || 1),
    ),
  };
  figures.push({
    figure: 'block committed → NOTIFY received, ms',
    value: `p50 ${latency.median}, p99 ${latency.p99} (${latency.count} transactions)`,
    target: 'p50 < 10, p99 < 50',
    load: `${round((transactions * perTransaction) / offeredSeconds, 0)} domain events/s (${perTransaction} transfers per transaction every ${round(intervalMs, 1)} ms) for ${round(offeredSeconds, 0)} s (load average ${loadAverage.beforeLatency} → ${loadAverage.afterLatency}); commit = the client's commit status`,
  });

  await projector.stop();
  ledger.close();
  await close();
  report('projector', figures, details);
} finally {
  await stack.stop();
}
