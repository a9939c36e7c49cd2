/**
 * The api's figures (issue 7), against real processes: embedded PostgreSQL and the api each in
 * their own process; this process is the load generator (HTTP keep-alive loops, WebSocket clients)
 * and, for the subscription figure, plays the ledger for the projector's own transaction. No
 * devnet, submitter or projector process runs: the figures are the api's, against Postgres. Each
 * figure's JSON details give the CPU the api, PostgreSQL and this process spent on it and the
 * machine's load average, since the machine is shared.
 *
 *   npx tsx --conditions=@gx/source bench/api.ts [--seconds 20] [--warmup 3] [--connections 32]
 *     [--users 200] [--subscriptions 10000] [--per-socket 1] [--block 500] [--blocks 5]
 *     [--register-connections 16] [--bcrypt-seconds 10] [--storm-read-rate 200] [--rate-share 0.5]
 *     [--turns 4]
 *
 * - the server's ceiling: `{ __typename }` on the same process;
 * - authenticated reads (`me`, `wallet`) and writes (`updateProfile` naming every field or one,
 *   `transfer`), rate and ratio to the ceiling with a closed loop on `--connections`: after an
 *   unmeasured warm-up of each, the closed loops take `--turns` turns each, in rotation, so that the
 *   machine's load drifts over all of them alike; then each one's latency at a fixed offered load
 *   (`--rate-share` of the rate just measured), as the load generator saw it and as the api's own
 *   histogram did (`http_request_duration_seconds`), and `{ __typename }` at `me`'s offered rate
 *   as the floor of this machine under those latencies;
 * - `--subscriptions` WebSocket subscriptions, each following its own accepted command; blocks of
 *   `--block` of those commands projected, PROJECTED received − COMMIT sent (and − COMMIT
 *   returned, without PostgreSQL's commit time);
 * - bcrypt alone (hashes/s at cost 12 on every core), then a `register` storm, and the ratio;
 * - with hashing capped to one thread (PASSWORD_HASH_CONCURRENCY=1), `me` at a fixed rate alone and
 *   during a register storm.
 *
 * Rate limits are raised for the run (all load comes from one address and a few hundred users):
 * the figures are the server's capacity, not its limits.
 */
import { availableParallelism, loadavg } from 'node:os';
import { commands, connect, type Db, type Sql } from '@gx/db';
import { createLogger } from '@gx/runtime';
import type { ServiceProcess } from '@gx/runtime/testing';
import { and, eq, inArray } from 'drizzle-orm';
import { type ApiAccount, createAccounts, registrationInput } from './lib/apiAccounts.js';
import { bcryptRate } from './lib/bcryptRate.js';
import { graphqlPost } from './lib/graphqlPost.js';
import { type HttpLoadOptions, type HttpLoadResult, runHttpLoad } from './lib/httpLoad.js';
import { inFlight } from './lib/officialClient.js';
import { numberOption } from './lib/options.js';
import { type Figure, report } from './lib/report.js';
import { latencyBetween, readGraphqlBuckets, type ServerLatency } from './lib/serverLatency.js';
import { BenchStack, processCpuSeconds } from './lib/stack.js';
import { round, summarize } from './lib/stats.js';
import { type Follow, measureSubscriptionFanout } from './lib/subscriptionFanout.js';

const seconds = numberOption('seconds', 20);
const warmupSeconds = numberOption('warmup', 3);
const connections = numberOption('connections', 32);
const userCount = numberOption('users', 200);
const subscriptionCount = numberOption('subscriptions', 10_000);
const perSocket = numberOption('per-socket', 1);
const blockSize = numberOption('block', 500);
const blocks = numberOption('blocks', 5);
const registerConnections = numberOption('register-connections', 16);
const bcryptSeconds = numberOption('bcrypt-seconds', 10);
const stormReadRate = numberOption('storm-read-rate', 200);
const rateShare = numberOption('rate-share', 0.5);
const turns = numberOption('turns', 4);
const cores = availableParallelism();
const bcryptCost = 12;

const logger = createLogger({ service: 'bench', level: 'warn', format: 'json' });
const stack = new BenchStack();
const figures: Figure[] = [];
/** Every turn of a load by name, merged: rates over the measured time, latencies over every answer. */
const tallies = new Map<string, Tally>();
const details: Record<string, unknown> = {
  seconds,
  warmupSeconds,
  connections,
  userCount,
  subscriptionCount,
  perSocket,
  blockSize,
  blocks,
  registerConnections,
  bcryptSeconds,
  stormReadRate,
  rateShare,
  turns,
};

const apiEnv = (overrides: Record<string, string> = {}) => ({
  NODE_ENV: 'production',
  API_HOST: '127.0.0.1',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
  GX_HMAC_KEY: 'bench-hmac-key-0123456789abcdef0123456789ab',
  ACCESS_TOKEN_TTL: '12h',
  BCRYPT_COST: String(bcryptCost),
  WRITE_RATE_PER_SECOND: '1000000',
  WRITE_BURST: '1000000',
  LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
  WS_MAX_CONNECTIONS_PER_USER: '1000000',
  WS_MAX_SUBSCRIPTIONS_PER_USER: '1000000',
  WS_MAX_CONNECTIONS: String(subscriptionCount + 1_000),
  WS_MAX_SUBSCRIPTIONS: String(subscriptionCount + 1_000),
  ...overrides,
});

const TYPENAME = JSON.stringify({ query: '{ __typename }' });
const ME = JSON.stringify({ query: '{ me { id email firstName lastName country kycStatus } }' });
const WALLET = JSON.stringify({ query: '{ wallet { id balance } }' });
const UPDATE_PROFILE_QUERY =
  'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId status } }';
const updateProfileVariables = { input: { firstName: 'Bench', lastName: 'Updated', country: 'FR' } };
const UPDATE_PROFILE = JSON.stringify({ query: UPDATE_PROFILE_QUERY, variables: updateProfileVariables });
// one field: the write reads the profile and the update before it, and is checked under the lock
const updateOneFieldBody = (i: number) =>
  JSON.stringify({ query: UPDATE_PROFILE_QUERY, variables: { input: { country: i % 2 ? 'DE' : 'FR' } } });
const TRANSFER_QUERY = 'mutation($input: TransferInput!) { transfer(input: $input) { commandId status } }';
const transferBody = (toProfileId: string) =>
  JSON.stringify({ query: TRANSFER_QUERY, variables: { input: { toProfileId, amount: '1' } } });
const REGISTER_QUERY = 'mutation($input: RegisterInput!) { register(input: $input) { commandId } }';
const registerBody = () =>
  JSON.stringify({ query: REGISTER_QUERY, variables: { input: registrationInput('storm') } });

const ms = (value: number) => `${round(value, 1)} ms`;
const perSecond = (value: number) =>
  `${value < 100 ? round(value, 1) : Math.round(value).toLocaleString('en')}/s`;
const percent = (part: number, whole: number) => `${Math.round((part / whole) * 100)} %`;
const describeLoad = (r: HttpLoadResult) =>
  `${perSecond(r.rate)} (median ${ms(r.latency.median)}, p99 ${ms(r.latency.p99)}${r.failed ? `, ${r.failed} failed` : ''})`;

try {
  await stack.startDatabase();
  const database = connect(stack.databaseUrl, { max: 4 });
  const { db } = database;

  // 1. The machine's bcrypt limit, alone (the api is not running yet).
  const hashesPerSecond = await bcryptRate(bcryptCost, cores, bcryptSeconds * 1_000);
  const bcryptLoad = loadavg()[0]!;
  details.bcrypt = { cost: bcryptCost, threads: cores, hashesPerSecond, loadAverage: bcryptLoad };

  // 2. Accounts through an api with the cheapest hashing (set-up, not measured).
  let api = await stack.startService('api', apiEnv({ BCRYPT_COST: '4' }));
  const accounts = await createAccounts(graphqlUrlOf(api), db, userCount, logger);
  await api.stop();
  const auth = accounts.map((a) => ({ authorization: `Bearer ${a.accessToken}` }));
  const authOf = (i: number) => auth[i % auth.length]!;

  // 3. One api process as configured by default (bcrypt cost 12, hashing on every core).
  api = await stack.startService('api', apiEnv());
  // on whichever api process runs at the time
  const measure = (
    name: string,
    options: Omit<HttpLoadOptions, 'url' | 'durationMs' | 'warmupMs'>,
    durationMs = seconds * 1_000,
    warmupMs = warmupSeconds * 1_000,
  ) => measureLoad(name, api, database.sql, { url: graphqlUrlOf(api), durationMs, warmupMs, ...options });
  const loadText = (name: string, n: number) =>
    `processes: api, PostgreSQL, this load generator; ${n} keep-alive connections, closed loop, ${seconds} s in ${turns} turns rotating with the other closed loops (${loadAverageOf(name)})`;

  // each user pays the next one (the api accepts it; the balance is the ledger's to check)
  const transfers = accounts.map((_, i) => transferBody(accounts[(i + 1) % accounts.length]!.profileId));
  const closedLoops = {
    typename: () => ({ body: TYPENAME }),
    me: (i: number) => ({ body: ME, headers: authOf(i) }),
    wallet: (i: number) => ({ body: WALLET, headers: authOf(i) }),
    updateProfile: (i: number) => ({ body: UPDATE_PROFILE, headers: authOf(i) }),
    updateOneField: (i: number) => ({ body: updateOneFieldBody(i), headers: authOf(i) }),
    transfer: (i: number) => ({ body: transfers[i % transfers.length]!, headers: authOf(i) }),
  };
  // every code path warm before any turn counts (the first requests of a fresh process run cold)
  for (const request of Object.values(closedLoops)) {
    await runHttpLoad({
      url: graphqlUrlOf(api),
      connections,
      request,
      durationMs: warmupSeconds * 1_000,
      warmupMs: 0,
    });
  }
  // The warm-ups took `commands` from a few hundred rows to thousands in seconds, before autovacuum's
  // first round: with the statistics of the near-empty table, the planner reads every update a profile
  // has pending to find its latest (1 ms where the index gives it in 0.1), a plan that a table growing
  // at any real pace does not keep.
  await database.sql`analyze commands`;
  const saturated = {} as Record<keyof typeof closedLoops, HttpLoadResult>;
  for (let turn = 0; turn < turns; turn++) {
    for (const [name, request] of Object.entries(closedLoops)) {
      saturated[name as keyof typeof closedLoops] = await measure(
        name,
        { connections, request },
        (seconds * 1_000) / turns,
        1_000,
      );
    }
  }
  const ceiling = saturated.typename;
  figures.push({
    figure: 'ceiling: { __typename }',
    value: describeLoad(ceiling),
    target: '(a bare Yoga server: about 4,700/s)',
    load: loadText('typename', connections),
  });

  /** A load offered at a fixed rate, alone: the latencies as sent and as the api saw them. */
  const atFixedRate = async (
    name: keyof typeof closedLoops,
    rate: number,
    label = `${name} at a fixed rate`,
  ) => {
    const before = await readGraphqlBuckets(api.port);
    const offered = await measure(label, { connections, rate, request: closedLoops[name] });
    const server = latencyBetween(before, await readGraphqlBuckets(api.port));
    (details[label] as Record<string, unknown>).server = server;
    return { offered, server };
  };
  /** The closed loop's rate, then a fixed offered load (a share of that rate) for the latency. */
  const rateAndLatency = async (name: keyof typeof closedLoops) => {
    const rate = Math.max(1, Math.round(saturated[name].rate * rateShare));
    return { saturated: saturated[name], rate, ...(await atFixedRate(name, rate)) };
  };
  const describeOffered = (r: { offered: HttpLoadResult; server: ServerLatency }) =>
    `median ${ms(r.offered.latency.median)}, p99 ${ms(r.offered.latency.p99)} (the api's own: 99 % within ${ms(r.server.p99AtMostMs)}, ${round(r.server.within25ms * 100, 2)} % within 25 ms)`;
  const describeBoth = (r: Awaited<ReturnType<typeof rateAndLatency>>) =>
    `${describeLoad(r.saturated)}, ${percent(r.saturated.rate, ceiling.rate)} of the ceiling; offered ${perSecond(r.rate)}: ${describeOffered(r)}`;
  const offeredText = (name: string, r: Awaited<ReturnType<typeof rateAndLatency>>) =>
    `${loadText(name, connections)}; then ${perSecond(r.rate)} offered (${Math.round(rateShare * 100)} % of that rate, due on a schedule; ${loadAverageOf(`${name} at a fixed rate`)})`;

  // The write loops left tens of thousands of command rows; without this, autovacuum works through
  // them during the fixed-rate figures that follow, and their latencies carry it.
  const vacuumStarted = performance.now();
  await database.sql`vacuum (analyze) commands`;
  details.vacuumAfterClosedLoopsSeconds = round((performance.now() - vacuumStarted) / 1_000);

  const me = await rateAndLatency('me');
  const wallet = await rateAndLatency('wallet');
  for (const [name, result] of [
    ['me', me],
    ['wallet', wallet],
  ] as const) {
    figures.push({
      figure: `authenticated read: ${name}`,
      value: describeBoth(result),
      target: '≥ 3,000/s, ≥ 70 %, p99 < 25 ms',
      load: `${offeredText(name, result)}; ${userCount} users' tokens in turn`,
    });
  }
  // What this machine gives a request that does nothing at the same offered rate, as the floor
  // under the reads' latencies: the load generator shares the api's two cores.
  const floor = await atFixedRate('typename', me.rate, '{ __typename } at the rate offered to me');
  figures.push({
    figure: 'floor: { __typename } at the rate offered to me',
    value: describeOffered(floor),
    load: `processes: api, PostgreSQL (idle), this load generator; ${perSecond(me.rate)} offered on ${connections} connections, due on a schedule, ${seconds} s (${loadAverageOf('{ __typename } at the rate offered to me')})`,
  });

  const writes = await rateAndLatency('updateProfile');
  figures.push({
    figure: 'authenticated write: updateProfile accepted',
    value: describeBoth(writes),
    target: '≥ 2,000/s, ≥ 50 %, p99 < 50 ms',
    load: `${offeredText('updateProfile', writes)}; ${userCount} users in turn, every field named (no read before the transaction); command rows pile up (no submitter)`,
  });
  const oneFieldWrites = await rateAndLatency('updateOneField');
  figures.push({
    figure: 'authenticated write: updateProfile of one field accepted',
    value: describeBoth(oneFieldWrites),
    target: '≥ 2,000/s, ≥ 50 %, p99 < 50 ms',
    load: `${offeredText('updateOneField', oneFieldWrites)}; ${userCount} users in turn, the country alone (reads the profile, checked under the lock); command rows pile up (no submitter)`,
  });

  const transferWrites = await rateAndLatency('transfer');
  figures.push({
    figure: 'authenticated write: transfer accepted',
    value: describeBoth(transferWrites),
    target: '≥ 2,000/s, ≥ 50 %, p99 < 50 ms',
    load: `${offeredText('transfer', transferWrites)}; ${userCount} users in turn, each paying the next; command rows pile up (no submitter)`,
  });

  const registers = await measure('register', {
    connections: registerConnections,
    request: () => ({ body: registerBody() }),
  });
  figures.push({
    figure: `bcrypt alone, cost ${bcryptCost}`,
    value: `${perSecond(hashesPerSecond)} hashes`,
    load: `this process alone (PostgreSQL idle, no api), ${cores} hashes at once on the thread pool, ${bcryptSeconds} s (load average ${round(bcryptLoad, 1)})`,
  });
  figures.push({
    figure: 'register (one bcrypt hash each)',
    value: `${describeLoad(registers)}; ${percent(registers.rate, hashesPerSecond)} of bcrypt alone`,
    target: '≥ 80 % of bcrypt alone',
    load: `${loadText('register', registerConnections)}; hashing on ${cores} threads`,
  });

  // 4. Subscriptions: one per accepted updateProfile command, followed by its own user.
  const follows = await acceptedCommands(db, graphqlUrlOf(api), accounts, subscriptionCount);
  // What the loads before left PostgreSQL to do is done now, not during the blocks: the checkpoint
  // the writes started (its fsyncs held a block's COMMIT for 50-87 ms) and autovacuum on `commands`.
  // The COMMITs' own times are given beside the figure, and any background work during it.
  await database.sql`checkpoint`;
  await database.sql`vacuum (analyze) commands`;
  const backgroundBefore = await backgroundWork(database.sql);
  const wsUrl = `${graphqlUrlOf(api).replace(/^http/, 'ws')}`;
  const cpuBefore = processCpuSeconds(api.child.pid!);
  const postgresBefore = stack.postgresCpuSeconds();
  const loadBefore = loadavg()[0]!;
  const fanout = await measureSubscriptionFanout({
    wsUrl,
    db,
    logger,
    follows,
    perSocket,
    blockSize,
    blocks,
    timeoutMs: 120_000,
    serverPid: api.child.pid!,
  });
  details.subscriptions = {
    ...fanout,
    apiCpuSeconds: round(processCpuSeconds(api.child.pid!) - cpuBefore),
    postgresCpuSeconds: round(stack.postgresCpuSeconds() - postgresBefore),
    loadAverage: [round(loadBefore, 1), round(loadavg()[0]!, 1)],
    postgresBackground: backgroundBetween(backgroundBefore, await backgroundWork(database.sql)),
  };
  figures.push({
    figure: `${fanout.perBlock.length} blocks of ${blockSize} commands: PROJECTED after COMMIT`,
    value: `median ${ms(fanout.latency.median)}, p99 ${ms(fanout.latency.p99)} (n ${fanout.latency.count}${fanout.errors ? `, ${fanout.errors} errors` : ''}); the COMMITs took ${ms(fanout.commit.median)} (median), ${ms(fanout.commit.p99)} (longest); after the COMMIT returned: p99 ${ms(fanout.afterCommitted.p99)}`,
    target: 'p99 < 100 ms',
    load: `processes: api (holding ${fanout.subscriptions} subscriptions on ${fanout.sockets} WebSockets, set up in ${round(fanout.establishSeconds, 1)} s; RSS then ${Math.round(fanout.serverRssMiB)} MiB), PostgreSQL, this process (the WebSocket clients, and the projector's own transaction, projectEvents, for each block: no projector, submitter or devnet process) (load average ${round(loadBefore, 1)}–${round(loadavg()[0]!, 1)})`,
  });
  await api.stop();

  // 5. Hashing capped to one thread: `me` at a fixed rate alone, then during a register storm.
  api = await stack.startService('api', apiEnv({ PASSWORD_HASH_CONCURRENCY: '1' }));
  const readsAtRate = (name: string) =>
    measure(name, {
      connections: 16,
      rate: stormReadRate,
      request: (i) => ({ body: ME, headers: authOf(i) }),
    });
  const calm = await readsAtRate('me alone, hashing on 1 thread');
  const [stormReads, storm] = await Promise.all([
    readsAtRate('me during a register storm'),
    measure('register storm', {
      connections: registerConnections,
      request: () => ({ body: registerBody() }),
    }),
  ]);
  figures.push({
    figure: 'me during a register storm (hashing on 1 thread)',
    value: `p99 ${ms(stormReads.latency.p99)} (median ${ms(stormReads.latency.median)}); without the storm p99 ${ms(calm.latency.p99)}; storm ${perSecond(storm.rate)} registers`,
    target: 'p99 < 50 ms',
    load: `processes: api (PASSWORD_HASH_CONCURRENCY=1), PostgreSQL, this load generator: me at ${stormReadRate}/s on 16 connections, due on a schedule, beside ${registerConnections} connections of register, closed loop, ${seconds} s (${loadAverageOf('me during a register storm')})`,
  });

  report('api', figures, details);
  await database.close();
} finally {
  await stack.stop();
}

function graphqlUrlOf(service: { port: number }): string {
  return `http://127.0.0.1:${service.port}/graphql`;
}

/** The machine's 1-minute load average over a measurement (start–end), as the figures quote it. */
function loadAverageOf(name: string): string {
  const measured = details[name] as { loadAverage?: [number, number] } | undefined;
  const [start, end] = measured?.loadAverage ?? [Number.NaN, Number.NaN];
  return `load average ${round(start, 1)}–${round(end, 1)}`;
}

/** What PostgreSQL did beside the load: autovacuum on `commands`, checkpoints. */
interface BackgroundWork {
  /** autovacuum and autoanalyze runs on `commands` finished. */
  autovacuums: number;
  checkpoints: number;
  /** Vacuums running at the moment (autovacuum's or another's). */
  vacuumsRunning: number;
}

async function backgroundWork(sql: Sql): Promise<BackgroundWork> {
  const [row] = await sql<{ autovacuums: string; checkpoints: string; vacuumsRunning: string }[]>`
    select (select autovacuum_count + autoanalyze_count from pg_stat_user_tables
             where relname = 'commands') as autovacuums,
           (select num_timed + num_requested from pg_stat_checkpointer) as checkpoints,
           (select count(*) from pg_stat_progress_vacuum) as "vacuumsRunning"`;
  return {
    autovacuums: Number(row!.autovacuums),
    checkpoints: Number(row!.checkpoints),
    vacuumsRunning: Number(row!.vacuumsRunning),
  };
}

/** Autovacuum runs on `commands` and checkpoints between two readings, and whether a vacuum ran at either. */
function backgroundBetween(before: BackgroundWork, after: BackgroundWork): Tally['background'] {
  return {
    autovacuums: after.autovacuums - before.autovacuums,
    checkpoints: after.checkpoints - before.checkpoints,
    vacuumSeenRunning: Math.min(1, before.vacuumsRunning) + Math.min(1, after.vacuumsRunning),
  };
}

interface Tally {
  turns: number;
  answered: number;
  succeeded: number;
  failed: number;
  seconds: number;
  samples: number[];
  firstFailure?: string;
  loadAverage: [number, number];
  wall: number;
  requests: number;
  spent: { api: number; postgres: number; loadGenerator: number };
  /** Over the turns: autovacuum runs on `commands` and checkpoints finished, and the turns' starts
   * and ends at which a vacuum was running. */
  background: { autovacuums: number; checkpoints: number; vacuumSeenRunning: number };
}

/**
 * Runs a load (or one more turn of it) and keeps in the details its result merged with its earlier
 * turns, the load average at its first start and last end, and the CPU the api, PostgreSQL and this
 * process spent (in cores, and in µs per answered request).
 */
async function measureLoad(
  name: string,
  target: ServiceProcess,
  sql: Sql,
  options: HttpLoadOptions,
): Promise<HttpLoadResult> {
  const loadBefore = loadavg()[0]!;
  const apiCpu = processCpuSeconds(target.child.pid!);
  const postgresCpu = stack.postgresCpuSeconds();
  const ownCpu = process.cpuUsage();
  const before = await backgroundWork(sql);
  const result = await runHttpLoad(options);
  const own = process.cpuUsage(ownCpu);
  const after = await backgroundWork(sql);
  const wall = result.seconds + options.warmupMs / 1_000;
  const tally: Tally = tallies.get(name) ?? {
    turns: 0,
    answered: 0,
    succeeded: 0,
    failed: 0,
    seconds: 0,
    samples: [],
    loadAverage: [loadBefore, loadBefore],
    wall: 0,
    requests: 0,
    spent: { api: 0, postgres: 0, loadGenerator: 0 },
    background: { autovacuums: 0, checkpoints: 0, vacuumSeenRunning: 0 },
  };
  tallies.set(name, tally);
  tally.turns++;
  tally.answered += result.answered;
  tally.succeeded += result.succeeded;
  tally.failed += result.failed;
  tally.seconds += result.seconds;
  tally.samples.push(...result.samples);
  tally.firstFailure ??= result.firstFailure;
  tally.loadAverage[1] = loadavg()[0]!;
  tally.wall += wall;
  // the warm-up's requests ran too: count them at the measured rate
  tally.requests += (result.answered / result.seconds) * wall;
  tally.spent.api += processCpuSeconds(target.child.pid!) - apiCpu;
  tally.spent.postgres += stack.postgresCpuSeconds() - postgresCpu;
  tally.spent.loadGenerator += (own.user + own.system) / 1e6;
  const background = backgroundBetween(before, after);
  tally.background.autovacuums += background.autovacuums;
  tally.background.checkpoints += background.checkpoints;
  tally.background.vacuumSeenRunning += background.vacuumSeenRunning;

  const merged: HttpLoadResult = {
    answered: tally.answered,
    succeeded: tally.succeeded,
    failed: tally.failed,
    seconds: tally.seconds,
    rate: tally.succeeded / tally.seconds,
    latency: summarize(tally.samples),
    samples: tally.samples,
    ...(tally.firstFailure ? { firstFailure: tally.firstFailure } : {}),
  };
  const { samples: _samples, ...shown } = merged;
  details[name] = {
    ...shown,
    offeredRate: options.rate ?? null,
    connections: options.connections,
    turns: tally.turns,
    loadAverage: tally.loadAverage.map((v) => round(v, 1)),
    cores: Object.fromEntries(Object.entries(tally.spent).map(([k, v]) => [k, round(v / tally.wall)])),
    cpuMicrosecondsPerRequest: Object.fromEntries(
      Object.entries(tally.spent).map(([k, v]) => [k, Math.round((v / tally.requests) * 1e6)]),
    ),
    postgresBackground: tally.background,
  };
  process.stdout.write(`${name}: ${describeLoad(result)} (load average ${round(loadBefore, 1)})\n`);
  return merged;
}

/**
 * `count` accepted updateProfile commands with the account that may follow each: those the write
 * figure left, topped up through the api when it left fewer.
 */
async function acceptedCommands(
  db: Db,
  graphqlUrl: string,
  accounts: readonly ApiAccount[],
  count: number,
): Promise<Follow[]> {
  const owners = new Map(accounts.map((a) => [a.profileId, a]));
  const read = () =>
    db
      .select({ id: commands.id, requesterId: commands.requesterId })
      .from(commands)
      .where(
        and(
          eq(commands.type, 'UPDATE_PROFILE'),
          eq(commands.status, 'ACCEPTED'),
          inArray(commands.requesterId, [...owners.keys()]),
        ),
      )
      .limit(count);
  let rows = await read();
  const missing = count - rows.length;
  if (missing > 0) {
    await inFlight(missing, 16, async (i) => {
      const account = accounts[i % accounts.length]!;
      await graphqlPost(graphqlUrl, UPDATE_PROFILE_QUERY, updateProfileVariables, account.accessToken);
    });
    rows = await read();
  }
  return rows.map((row) => {
    const owner = owners.get(row.requesterId!)!;
    return { commandId: row.id, owner: owner.profileId, token: owner.accessToken };
  });
}
