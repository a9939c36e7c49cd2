import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, migrateDatabase, startEmbeddedPostgres } from '@gx/db';
import { createLogger, procStatFields } from '@gx/runtime';
import { listeningPort, type ServiceProcess, startService } from '@gx/runtime/testing';

const quiet = createLogger({ service: 'bench', level: 'warn', format: 'json' });

/** The stacks of this process not yet stopped: an interrupted bench stops them before it exits. */
const running = new Set<BenchStack>();
let stopsOnSignal = false;

/**
 * On Ctrl-C or a timeout's SIGTERM, stops every running stack, then exits. Without it the
 * embedded PostgreSQL (its own process group, so a terminal's Ctrl-C reaches the bench first)
 * outlived the bench and kept its port and data folder.
 */
function stopStacksOnSignal(): void {
  if (stopsOnSignal) return;
  stopsOnSignal = true;
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      void Promise.allSettled([...running].map((stack) => stack.stop())).finally(() => process.exit(code));
    });
  }
}

/** The real stack for a benchmark: its own PostgreSQL, devnet and services, each its own process. */
export class BenchStack {
  readonly folder = mkdtempSync(path.join(tmpdir(), 'gx-bench-'));
  databaseUrl = '';
  connectionDir = '';
  readonly #processes: ServiceProcess[] = [];
  #stopDatabase: () => Promise<void> = async () => {};
  #stopped: Promise<void> | undefined;

  constructor() {
    chmodSync(this.folder, 0o755);
    running.add(this);
    stopStacksOnSignal();
  }

  async startDatabase(): Promise<string> {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(this.folder, 'pg'),
      port: await freePort(),
      logger: quiet,
    });
    this.#stopDatabase = server.stop;
    this.databaseUrl = server.url;
    await migrateDatabase(server.url);
    return server.url;
  }

  async startDevnet(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const { process } = await startService(
      'devnet',
      { GX_DATA_DIR: this.folder, DEVNET_PORT: '0', DEVNET_CONTROL_PORT: '0', ...env },
      (line) => (typeof line.connectionDir === 'string' ? line.connectionDir : undefined),
    );
    this.connectionDir = path.join(this.folder, 'devnet');
    this.#processes.push(process);
    return process;
  }

  /** Starts a service against this stack's database and devnet; resolves with it and its port. */
  async startService(
    name: 'submitter' | 'projector' | 'api',
    env: Record<string, string> = {},
  ): Promise<ServiceProcess & { port: number }> {
    const { process, value } = await startService(
      name,
      {
        DATABASE_URL: this.databaseUrl,
        FABRIC_CONNECTION_DIR: this.connectionDir,
        [`${name.toUpperCase()}_PORT`]: '0',
        ...env,
      },
      listeningPort,
    );
    this.#processes.push(process);
    return Object.assign(process, { port: value });
  }

  /** Starts a script of the workspace (`entry`, from the root) as one more process of this stack. */
  async startScript(
    entry: string,
    env: Record<string, string>,
    ready: (line: Record<string, unknown>) => unknown,
  ): Promise<ServiceProcess> {
    const { process } = await startService(path.dirname(entry), env, ready, 60_000, entry);
    this.#processes.push(process);
    return process;
  }

  /** The last started process of service `name`. */
  service(name: string): ServiceProcess {
    const found = this.#processes.findLast((p) => p.name === name);
    if (!found) throw new Error(`no ${name} in this stack`);
    return found;
  }

  /**
   * utime + stime of this stack's PostgreSQL, in seconds: the postmaster, its children, and the
   * children it has reaped (a backend whose connection closed counts too).
   */
  postgresCpuSeconds(): number {
    const port = new URL(this.databaseUrl).port;
    const processes = readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
          return [{ pid: Number(pid), cmdline, fields: statFields(Number(pid)) }];
        } catch {
          return [];
        }
      });
    const postmaster = processes.find((p) => p.cmdline.includes(`-p\0${port}\0`));
    if (!postmaster) return 0;
    const reaped = cpuSecondsOf(postmaster.fields, 13);
    return processes
      .filter((p) => p === postmaster || Number(p.fields[1]) === postmaster.pid)
      .reduce((sum, p) => sum + cpuSecondsOf(p.fields, 11), reaped);
  }

  /** Stops the services, then PostgreSQL, and removes the folder; once, however often called. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      for (const service of this.#processes.reverse()) await service.stop();
      await this.#stopDatabase();
      rmSync(this.folder, { recursive: true, force: true });
      running.delete(this);
    })();
    return this.#stopped;
  }
}

/** utime + stime of a process in seconds, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  return existsSync(`/proc/${pid}/stat`) ? cpuSecondsOf(statFields(pid), 11) : 0;
}

/**
 * Two adjacent CPU counters of /proc/<pid>/stat, in seconds: from 11, utime + stime; from 13, the
 * same of the children the process has reaped. (Clock ticks: 100 a second on Linux.)
 */
function cpuSecondsOf(fields: readonly string[], from: 11 | 13): number {
  return (Number(fields[from]) + Number(fields[from + 1])) / 100;
}

function statFields(pid: number): string[] {
  return procStatFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}
