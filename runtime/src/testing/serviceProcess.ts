import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sourceServiceArgs } from '../nodeArgs.js';
import { workspaceRoot } from '../paths.js';

/** A service as its own process, started from source as `pnpm dev` starts it (scripts/services.ts). */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** Every line it printed so far. */
  output: string[];
  /** SIGTERM, then SIGKILL after 15 s; resolves when it has exited. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, for fault tests. */
  kill(): Promise<void>;
  /** Its last lines, for a failure message. */
  describe(): string;
}

/**
 * Spawns `<service>/src/main.ts` (or `entry`, a script relative to the workspace root) in `<service>/` with JSON
 * logs and resolves once a log line yields what `ready` extracts from it (a port, a folder);
 * rejects with the process's output if it exits or stays silent first.
 */
export async function startService<T>(
  service: string,
  env: Record<string, string>,
  ready: (line: Record<string, unknown>) => T | undefined,
  timeoutMs = 60_000,
  entry = path.join(service, 'src', 'main.ts'),
): Promise<{ process: ServiceProcess; value: T }> {
  const root = workspaceRoot();
  const child = spawn(process.execPath, sourceServiceArgs(path.join(root, service), path.join(root, entry)), {
    cwd: path.join(root, service),
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const handle: ServiceProcess = {
    name: service,
    child,
    output,
    async stop() {
      if (alive()) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    describe: () => `${service}:\n${output.slice(-30).join('\n')}`,
  };
  const value = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${service} not ready in ${timeoutMs} ms\n${handle.describe()}`)),
      timeoutMs,
    );
    createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      const found = ready(parsed);
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited (${code}) before it was ready\n${handle.describe()}`));
    });
  });
  return { process: handle, value };
}

/** The port of an ops or api server from its start-up line (`{port}`, or `{url}` on a "listening" line). */
export function listeningPort(line: Record<string, unknown>): number | undefined {
  if (typeof line.port === 'number' && line.port > 0) return line.port;
  if (typeof line.url === 'string' && /listening/.test(String(line.msg)))
    return Number(new URL(line.url).port);
  return undefined;
}
