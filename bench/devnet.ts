/**
 * Devnet benchmark: devnet runs in its own process (as `pnpm devnet` runs it) and the official
 * Fabric Gateway client drives it from this one (or from two client processes).
 *
 *   npx tsx --conditions=@gx/source bench/devnet.ts [--txs 3000] [--long 100000] [--profile] [--only-64]
 *
 * Measures devnet's CPU time per committed transaction (read from its control endpoint) and the
 * committed rate at 64 in flight, the rate with two client processes, commit latency at one in
 * flight, and devnet's memory over a long run. Every transaction is `IdentityContract:CreateUser`
 * of a fresh user, so none conflicts. Prints a table, then JSON. A measurement, not a test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Contract } from '@hyperledger/fabric-gateway';
import { bareClient } from './lib/officialClient.js';
import { flag, numberOption } from './lib/options.js';
import { type Figure, report } from './lib/report.js';

const devnetDir = fileURLToPath(new URL('../devnet/', import.meta.url));

interface Status {
  height: number;
  process: { cpu: { user: number; system: number }; memory: { rss: number; heapUsed: number } };
}

interface Scenario {
  load: string;
  committed: number;
  txPerSecond: number;
  latencyMs: { median: number; p99: number; max: number };
  failed?: number;
  devnetCpuMsPerTx?: number;
  clientCpuMsPerTx?: number;
}

interface Scenarios {
  txs: number;
  longRunTxs: number;
  batchTimeoutMs: number;
  batchSize: number;
  inflight64?: Scenario;
  twoClients?: Scenario;
  inflight1?: Scenario;
  longRun?: { load: string; devnetCpuMsPerTx: number; samples: LongRunSample[] };
}

interface LongRunSample {
  committed: number;
  rssMb: number;
  heapUsedMb: number;
  txPerSecond: number;
  /** Over the 10,000 transactions since the previous sample. */
  devnetCpuMsPerTx?: number;
  clientCpuMsPerTx?: number;
}

interface LoadResult {
  committed: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
  clientCpuMs: number;
}

const args = process.argv.slice(2);

if (args[0] === '--client') {
  // Worker mode for the two-process scenario: load the devnet whose files are in args[1].
  const connectionDir = args[1] as string;
  const client = connectBare(connectionDir);
  const result = await runLoad(client.contract, numberOption('inflight', 64), numberOption('txs', 2000));
  client.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

const txs = numberOption('txs', 3000);
const longRun = numberOption('long', 100_000);
const profile = flag('profile');
const onlyInflight64 = flag('only-64');
/** Extra Node flags for the devnet process, e.g. `--devnet-node-flags=--max-semi-space-size=16`. */
const devnetNodeFlags = args
  .filter((arg) => arg.startsWith('--devnet-node-flags='))
  .flatMap((arg) => arg.slice('--devnet-node-flags='.length).split(' '));
const scenarios: Scenarios = { txs, longRunTxs: longRun, batchTimeoutMs: 20, batchSize: 500 };

{
  const devnet = await startDevnetProcess(profile);
  const client = connectBare(devnet.connectionDir);
  await runLoad(client.contract, 64, 300);

  const before = await devnet.status();
  const load = await runLoad(client.contract, 64, txs);
  const after = await devnet.status();
  scenarios.inflight64 = summarize(load, before, after);

  if (onlyInflight64) {
    client.close();
    await devnet.stop();
    finish(scenarios);
    process.exit(0);
  }

  const twoBefore = await devnet.status();
  const startedAt = performance.now();
  const workers = await Promise.all([0, 1].map(() => runClientProcess(devnet.connectionDir, 64, txs)));
  const seconds = (performance.now() - startedAt) / 1000;
  const twoAfter = await devnet.status();
  const committed = workers.reduce((sum, w) => sum + w.committed, 0);
  scenarios.twoClients = {
    load: '2 client processes × 64 in flight',
    committed,
    failed: workers.reduce((sum, w) => sum + w.failed, 0),
    txPerSecond: round(committed / seconds),
    devnetCpuMsPerTx: round(cpuMs(twoBefore, twoAfter) / committed, 3),
    latencyMs: stats(workers.flatMap((w) => w.latenciesMs)),
  };

  const single = await runLoad(client.contract, 1, 300);
  scenarios.inflight1 = {
    load: '1 in flight',
    committed: single.committed,
    txPerSecond: round(single.committed / single.seconds),
    latencyMs: stats(single.latenciesMs),
  };
  client.close();
  await devnet.stop();
}

if (longRun > 0) {
  const devnet = await startDevnetProcess(false);
  const client = connectBare(devnet.connectionDir);
  const samples: LongRunSample[] = [];
  const first = await devnet.status();
  samples.push({
    committed: 0,
    rssMb: mb(first.process.memory.rss),
    heapUsedMb: mb(first.process.memory.heapUsed),
    txPerSecond: 0,
  });
  let previous = first;
  let done = 0;
  while (done < longRun) {
    const step = Math.min(10_000, longRun - done);
    const load = await runLoad(client.contract, 64, step);
    done += step;
    const status = await devnet.status();
    samples.push({
      committed: done,
      rssMb: mb(status.process.memory.rss),
      heapUsedMb: mb(status.process.memory.heapUsed),
      txPerSecond: round(load.committed / load.seconds),
      devnetCpuMsPerTx: round(cpuMs(previous, status) / load.committed, 3),
      clientCpuMsPerTx: round(load.clientCpuMs / load.committed, 3),
    });
    previous = status;
    process.stderr.write(`long run: ${done} committed, devnet RSS ${mb(status.process.memory.rss)} MB\n`);
  }
  scenarios.longRun = {
    load: '64 in flight',
    devnetCpuMsPerTx: round(cpuMs(first, previous) / done, 3),
    samples,
  };
  client.close();
  await devnet.stop();
}

finish(scenarios);

/** Prints the scenarios, then the suite's figures, written to bench/results like every suite's. */
function finish(result: Scenarios): void {
  printTable(result);
  const figures: Figure[] = [];
  const { inflight64, twoClients, inflight1, longRun: long } = result;
  if (inflight64) {
    figures.push({
      figure: 'devnet CPU per committed transaction, ms',
      value: String(inflight64.devnetCpuMsPerTx),
      target: '≤ 2',
      load: `${inflight64.load}, ${inflight64.committed} CreateUser; the client's own CPU: ${inflight64.clientCpuMsPerTx} ms/tx`,
    });
    figures.push({
      figure: 'committed transactions/s, official client',
      value: String(inflight64.txPerSecond),
      load: inflight64.load,
    });
  }
  if (twoClients) {
    figures.push({
      figure: 'committed transactions/s, two client processes',
      value: `${twoClients.txPerSecond} (devnet ${twoClients.devnetCpuMsPerTx} ms CPU/tx)`,
      load: twoClients.load,
    });
  }
  if (inflight1) {
    figures.push({
      figure: 'commit latency, 1 in flight, ms',
      value: `p50 ${inflight1.latencyMs.median}, p99 ${inflight1.latencyMs.p99}`,
      target: `p50 within 10 ms of the ${result.batchTimeoutMs} ms batch timeout`,
      load: `${inflight1.committed} transactions, one at a time`,
    });
  }
  if (long) {
    const windows = long.samples.slice(1);
    const cpu = windows.map((s) => s.devnetCpuMsPerTx ?? 0).sort((a, b) => a - b);
    const load = `${long.samples.at(-1)?.committed} CreateUser, 1 client process × ${long.load}`;
    figures.push({
      figure: 'devnet CPU per committed transaction over the long run, ms',
      value: `${long.devnetCpuMsPerTx} (windows of 10,000: median ${cpu[Math.floor(cpu.length / 2)]}, ${cpu[0]}–${cpu.at(-1)})`,
      target: '≤ 2',
      load,
    });
    const rss = windows.map((s) => s.rssMb);
    figures.push({
      figure: 'devnet RSS over the long run, MB',
      value: `${rss[0]} after the first 10,000, then ${Math.min(...rss)}–${Math.max(...rss)}`,
      target: 'flat',
      load,
    });
  }
  report('devnet', figures, { ...result });
}

async function runLoad(contract: Contract, inflight: number, count: number): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let started = 0;
  let committed = 0;
  let failed = 0;
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const worker = async () => {
    while (started < count) {
      started++;
      const t0 = performance.now();
      try {
        const submitted = await contract.submitAsync('IdentityContract:CreateUser', {
          arguments: [randomUUID(), randomUUID(), randomUUID(), 'DE', 'INDIVIDUAL', 'a'.repeat(64)],
        });
        const status = await submitted.getStatus();
        if (status.successful) committed++;
        else failed++;
      } catch {
        failed++;
      }
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return {
    committed,
    failed,
    seconds: (performance.now() - startedAt) / 1000,
    latenciesMs,
    clientCpuMs: (cpu.user + cpu.system) / 1000,
  };
}

function summarize(load: LoadResult, before: Status, after: Status) {
  return {
    load: '1 client process × 64 in flight',
    committed: load.committed,
    failed: load.failed,
    txPerSecond: round(load.committed / load.seconds),
    devnetCpuMsPerTx: round(cpuMs(before, after) / load.committed, 3),
    clientCpuMsPerTx: round(load.clientCpuMs / load.committed, 3),
    latencyMs: stats(load.latenciesMs),
  };
}

async function startDevnetProcess(cpuProfile: boolean) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'gx-bench-devnet-'));
  const connectionDir = path.join(dataDir, 'devnet');
  const nodeArgs = ['--import', 'tsx', '--conditions=@gx/source', ...devnetNodeFlags];
  if (cpuProfile) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${path.join(import.meta.dirname, 'results')}`);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, 'src/main.ts'], {
    cwd: devnetDir,
    env: {
      ...process.env,
      GX_DATA_DIR: dataDir,
      DEVNET_PORT: '0',
      DEVNET_CONTROL_PORT: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  // A benchmark stopped early (Ctrl-C, a timeout) must not leave devnet running.
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const controlFile = path.join(connectionDir, 'control.json');
  for (let waited = 0; !existsSync(controlFile); waited += 50) {
    if (waited > 30_000 || child.exitCode !== null) throw new Error('devnet did not start');
    await sleep(50);
  }
  const { url } = JSON.parse(await readFile(controlFile, 'utf8')) as { url: string };
  return {
    connectionDir,
    status: async () => (await (await fetch(`${url}/status`)).json()) as Status,
    stop: async () => {
      process.off('exit', killChild);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function runClientProcess(connectionDir: string, inflight: number, count: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@gx/source',
        fileURLToPath(import.meta.url),
        '--client',
        connectionDir,
        '--inflight',
        String(inflight),
        '--txs',
        String(count),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(output) as LoadResult) : reject(new Error(`client exited ${code}`)),
    );
  });
}

function cpuMs(before: Status, after: Status): number {
  const { user, system } = after.process.cpu;
  return (user - before.process.cpu.user + system - before.process.cpu.system) / 1000;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { median: round(at(0.5), 1), p99: round(at(0.99), 1), max: round(sorted.at(-1) ?? 0, 1) };
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

function printTable(result: Scenarios): void {
  const rows: string[][] = [
    ['scenario', 'load', 'committed', 'tx/s', 'devnet CPU ms/tx', 'median ms', 'p99 ms'],
  ];
  for (const key of ['inflight64', 'twoClients', 'inflight1'] as const) {
    const r = result[key];
    if (!r) continue;
    rows.push([
      key,
      r.load,
      String(r.committed),
      String(r.txPerSecond),
      r.devnetCpuMsPerTx === undefined ? '' : String(r.devnetCpuMsPerTx),
      String(r.latencyMs.median),
      String(r.latencyMs.p99),
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows)
    process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}\n`);
  if (result.longRun) {
    process.stdout.write('\ncommitted  devnet RSS MB  heap used MB\n');
    for (const s of result.longRun.samples) {
      process.stdout.write(
        `${String(s.committed).padEnd(9)}  ${String(s.rssMb).padEnd(13)}  ${s.heapUsedMb}\n`,
      );
    }
  }
}

/** The bare official client on devnet's default contract, as the load scenarios use it. */
function connectBare(connectionDir: string) {
  const client = bareClient(connectionDir);
  return { contract: client.contract(), close: () => client.close() };
}
