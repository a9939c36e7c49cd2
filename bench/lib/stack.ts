import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, migrateDatabase, startEmbeddedPostgres } from '@gx/db';
import { createLogger, workspaceRoot } from '@gx/runtime';

const root = workspaceRoot();
const quiet = createLogger({ service: 'bench', level: 'warn', format: 'json' });

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** CPU seconds (user + system) the process used so far, from /proc. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** The real stack for a benchmark: its own PostgreSQL, devnet and services, each its own process. */
export class BenchStack {
  readonly folder = mkdtempSync(path.join(tmpdir(), 'gx-bench-'));
  databaseUrl = '';
  connectionDir = '';
  readonly #processes: ServiceProcess[] = [];
  #stopDatabase: () => Promise<void> = async () => {};

  constructor() {
    chmodSync(this.folder, 0o755);
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
    const devnet = this.spawn('devnet', { GX_DATA_DIR: this.folder, DEVNET_PORT: '0', ...env });
    this.connectionDir = path.join(this.folder, 'devnet');
    await waitForLine(devnet, 'devnet ready at');
    return devnet;
  }

  async startService(
    name: 'submitter' | 'projector' | 'api',
    env: Record<string, string> = {},
    readyLine?: string,
  ) {
    const service = this.spawn(name, {
      DATABASE_URL: this.databaseUrl,
      FABRIC_CONNECTION_DIR: this.connectionDir,
      [`${name.toUpperCase()}_PORT`]: '0',
      ...env,
    });
    await waitForLine(service, readyLine ?? `${name} ops endpoints listening`);
    return service;
  }

  spawn(name: string, env: Record<string, string>): ServiceProcess {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions=@gx/source', path.join(root, name, 'src', 'main.ts')],
      {
        cwd: path.join(root, name),
        env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const service: ServiceProcess & { output: string[] } = {
      name,
      child,
      output,
      cpuSeconds: () => processCpuSeconds(child.pid!),
      stop: () =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
    this.#processes.push(service);
    return service;
  }

  async stop(): Promise<void> {
    for (const service of this.#processes.reverse()) await service.stop();
    await this.#stopDatabase();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

async function waitForLine(service: ServiceProcess, text: string, timeoutMs = 60_000): Promise<void> {
  const output = (service as ServiceProcess & { output: string[] }).output;
  const deadline = Date.now() + timeoutMs;
  while (!output.join('').includes(text)) {
    if (service.child.exitCode !== null) throw new Error(`${service.name} exited: ${output.join('')}`);
    if (Date.now() > deadline) throw new Error(`${service.name} did not say "${text}": ${output.join('')}`);
    await sleep(50);
  }
}

/** utime + stime of a process in seconds, from /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return 0;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
