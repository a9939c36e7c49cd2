import { connect, type Database, type Sql } from '@gx/db';
import { graphqlPost } from './graphqlPost.js';
import { type CommandTrace, OfferedLoad, type Write } from './offeredLoad.js';
import { inFlight } from './officialClient.js';
import { type FundedAccount, fundedAccounts, untilTerminal } from './pipelineAccounts.js';
import { BenchStack } from './stack.js';
import { round, type Summary, summarize } from './stats.js';

/*
 * The whole pipeline under a client population, for the end-to-end benchmarks (bench/queryable.ts,
 * bench/soak.ts): start it (our design or the naive one), measure its drain capacity, offer it a load.
 */

export const adminEmail = 'admin@bench.example.com';
export const apiEnv = {
  NODE_ENV: 'production',
  API_HOST: '127.0.0.1',
  JWT_SECRET: 'bench-jwt-secret-0123456789abcdef0123456789',
  GX_HMAC_KEY: 'bench-hmac-key-0123456789abcdef0123456789ab',
  ADMIN_EMAILS: adminEmail,
  // registrations are set-up here, not measured: the lowest cost keeps it short
  BCRYPT_COST: '4',
  ACCESS_TOKEN_TTL: '2h',
  // every client of the benchmark is one address, and a registration's limit is per address
  LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
  WRITE_RATE_PER_SECOND: '1000000',
  WRITE_BURST: '1000000',
  // one admin follows every command: a real client population would be many users
  WS_MAX_CONNECTIONS_PER_USER: '1000',
  WS_MAX_SUBSCRIPTIONS_PER_USER: '1000000',
  WS_MAX_SUBSCRIPTIONS: '1000000',
};
export const naiveSubmitterEnv = {
  SUBMITTER_LISTEN: 'false',
  SUBMITTER_POLL_MS: '100',
  SUBMITTER_MAX_BATCH: '1',
  SUBMITTER_MAX_IN_FLIGHT: '1',
};

const TRANSFER = 'mutation($input: TransferInput!) { transfer(input: $input) { commandId } }';
const UPDATE_PROFILE = 'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { commandId } }';

/** 80 % transfers of 1 among the accounts, 20 % profile updates: many aggregates, few conflicts; each with its own idempotency key. */
const writeOf =
  (users: readonly FundedAccount[], offset: number) =>
  (i: number): Write => {
    const n = offset + i;
    const from = users[n % users.length]!;
    if (n % 5 === 4) {
      return {
        query: UPDATE_PROFILE,
        variables: { input: { firstName: `Bench${n}`, idempotencyKey: `bench-${n}` } },
        token: from.accessToken,
      };
    }
    const to = users[(n * 7 + 1) % users.length]!;
    const target = to === from ? users[(n + 1) % users.length]! : to;
    return {
      query: TRANSFER,
      variables: { input: { toProfileId: target.profileId, amount: '1', idempotencyKey: `bench-${n}` } },
      token: from.accessToken,
    };
  };

export interface Pipeline {
  stack: BenchStack;
  sql: Sql;
  graphqlUrl: string;
  admin: FundedAccount;
  users: FundedAccount[];
  writes: number;
  close(): Promise<void>;
}

export async function startPipeline(
  batchTimeoutMs: number,
  design: 'ours' | 'naive',
  accountCount: number,
  apiOverrides: Record<string, string> = {},
): Promise<Pipeline> {
  const stack = new BenchStack();
  let database: Database | undefined;
  try {
    await stack.startDatabase();
    await stack.startDevnet({ DEVNET_BATCH_TIMEOUT_MS: String(batchTimeoutMs) });
    database = connect(stack.databaseUrl, { max: 4 });
    await stack.startService('submitter', design === 'naive' ? naiveSubmitterEnv : {});
    if (design === 'naive') await startNaiveProjector(stack);
    else await stack.startService('projector');
    const api = await stack.startService('api', { ...apiEnv, API_PORT: '0', ...apiOverrides });
    const graphqlUrl = `http://127.0.0.1:${api.port}/graphql`;
    const { admin, users } = await fundedAccounts(
      graphqlUrl,
      database.sql,
      accountCount,
      adminEmail,
      '1000000000',
    );
    const opened = database;
    return {
      stack,
      sql: opened.sql,
      graphqlUrl,
      admin,
      users,
      writes: 0,
      async close() {
        await opened.close();
        await stack.stop();
      },
    };
  } catch (error) {
    // a set-up that fails part-way must not leave its processes and database behind
    await database?.close();
    await stack.stop();
    throw error;
  }
}

async function startNaiveProjector(stack: BenchStack): Promise<void> {
  await stack.startScript(
    'bench/naiveProjector.ts',
    { DATABASE_URL: stack.databaseUrl, FABRIC_CONNECTION_DIR: stack.connectionDir },
    (line) => (line.naiveProjector === 'leading' ? true : undefined),
  );
}

/** Commands per second that submitter + devnet + projector drain from a backlog accepted through the api. */
export async function drainCapacity(pipeline: Pipeline, size: number, submitterEnv: Record<string, string>) {
  const submitter = pipeline.stack.service('submitter');
  await submitter.stop();
  const write = writeOf(pipeline.users, pipeline.writes);
  pipeline.writes += size;
  const ids: string[] = [];
  await inFlight(size, 16, async (i) => {
    const { query, variables, token } = write(i);
    const data = await graphqlPost<Record<string, { commandId: string }>>(
      pipeline.graphqlUrl,
      query,
      variables,
      token,
    );
    ids.push(Object.values(data)[0]!.commandId);
  });
  await pipeline.stack.startService('submitter', submitterEnv);
  await untilTerminal(pipeline.sql, ids, 900_000);
  const [row] = await pipeline.sql<{ seconds: number; projected: number }[]>`
    select extract(epoch from max(projected_at) - min(claimed_at))::float8 as seconds,
      count(*) filter (where status = 'PROJECTED')::int as projected
    from commands where id = any(${ids}::uuid[])`;
  return {
    commands: size,
    seconds: round(row!.seconds, 2),
    projected: row!.projected,
    rate: size / row!.seconds,
  };
}

export interface LoadResult {
  offered: number;
  achieved: number;
  accept: Summary;
  queryable: Summary;
  stages: Record<string, Summary>;
  unfinished: number;
  failed: number;
  firstError?: string;
  nonProjected: number;
  throughput: { second: number; accepted: number; projected: number; backlog?: number }[];
  drainSeconds?: number;
  traces: CommandTrace[];
}

export interface OfferOptions {
  /** Sockets the subscriptions are spread over (default 8). */
  sockets?: number;
  /** Count the commands not yet terminal every second (the overload's backlog). */
  sampleBacklog?: boolean;
  /** Called once a second while sending (samples of memory, connections). */
  everySecond?: (second: number) => Promise<void> | void;
}

/** `rate` writes/s for `durationSeconds`, each followed until terminal. */
export async function offer(
  pipeline: Pipeline,
  rate: number,
  durationSeconds: number,
  options: OfferOptions = {},
): Promise<LoadResult> {
  const backlog: number[] = [];
  const load = new OfferedLoad({
    graphqlUrl: pipeline.graphqlUrl,
    rate,
    durationMs: durationSeconds * 1_000,
    write: writeOf(pipeline.users, pipeline.writes),
    sockets: options.sockets ?? 8,
    followerToken: pipeline.admin.accessToken,
    connections: 64,
    onSecond: async (second) => {
      if (options.sampleBacklog) backlog[second] = await waitingCommands(pipeline.sql);
      await options.everySecond?.(second);
    },
  });
  pipeline.writes += Math.round(rate * durationSeconds);
  const started = performance.now();
  await load.run();
  const sendingEnded = performance.now();
  const settled = await load.settle(900_000);
  const drainSeconds = (performance.now() - sendingEnded) / 1_000;
  load.close();
  const traces = load.traces;
  const accepted = traces.filter((t) => t.acceptedAt !== undefined);
  const projected = traces.filter((t) => t.terminal === 'PROJECTED');
  const ids = accepted.map((t) => t.commandId!);
  const result: LoadResult = {
    offered: rate,
    achieved: round(accepted.length / durationSeconds, 1),
    accept: summarize(accepted.map((t) => t.acceptedAt! - t.dueAt)),
    queryable: summarize(projected.map((t) => t.terminalAt! - t.dueAt)),
    stages: await stageBreakdown(pipeline.sql, ids),
    unfinished: settled ? 0 : traces.filter((t) => t.terminal === undefined && t.error === undefined).length,
    failed: traces.filter((t) => t.error !== undefined).length,
    firstError: traces.find((t) => t.error !== undefined)?.error,
    nonProjected: traces.filter((t) => t.terminal !== undefined && t.terminal !== 'PROJECTED').length,
    throughput: perSecond(traces, started, backlog),
    traces,
  };
  if (options.sampleBacklog) result.drainSeconds = round(drainSeconds, 1);
  return result;
}

async function waitingCommands(sql: Sql): Promise<number> {
  const [row] = await sql<{ waiting: number }[]>`
    select count(*)::int as waiting from commands
    where status in ('ACCEPTED', 'SUBMITTED', 'RETRYING', 'COMMITTED')`;
  return row!.waiting;
}

/** The stages from the command rows' own times, in ms. */
async function stageBreakdown(sql: Sql, ids: readonly string[]): Promise<Record<string, Summary>> {
  const rows = await sql<{ submitted: number; committed: number; projected: number }[]>`
    select extract(epoch from submitted_at - created_at)::float8 * 1000 as submitted,
      extract(epoch from committed_at - submitted_at)::float8 * 1000 as committed,
      extract(epoch from projected_at - greatest(committed_at, submitted_at))::float8 * 1000 as projected
    from commands where id = any(${ids as string[]}::uuid[]) and status = 'PROJECTED'`;
  const pick = (key: 'submitted' | 'committed' | 'projected') =>
    summarize(rows.map((r) => r[key]).filter((v) => v !== null));
  return {
    'accepted → submitted': pick('submitted'),
    'submitted → committed': pick('committed'),
    'committed → projected': pick('projected'),
  };
}

export function perSecond(traces: readonly CommandTrace[], started: number, backlog: number[]) {
  const out: LoadResult['throughput'] = [];
  const bucket = (at: number | undefined) => (at === undefined ? -1 : Math.floor((at - started) / 1_000));
  // a loop, not Math.max(...): a soak has more traces than a call has room for arguments
  let last = 0;
  for (const t of traces) last = Math.max(last, bucket(t.terminalAt ?? t.acceptedAt));
  for (let second = 0; second <= last; second++)
    out.push({ second, accepted: 0, projected: 0, backlog: backlog[second] });
  for (const t of traces) {
    const a = bucket(t.acceptedAt);
    if (a >= 0) out[a]!.accepted++;
    const p = t.terminal === 'PROJECTED' ? bucket(t.terminalAt) : -1;
    if (p >= 0) out[p]!.projected++;
  }
  return out;
}
