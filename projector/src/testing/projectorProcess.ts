import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sourceServiceArgs } from '@gx/runtime';

const projectorRoot = path.resolve(import.meta.dirname, '..', '..');

export interface LogLine {
  level: number;
  msg: string;
  time: string;
  [key: string]: unknown;
}

export interface ProjectorProcessOptions {
  databaseUrl: string;
  connectionDir: string;
  logLevel?: string;
  env?: Record<string, string>;
}

/**
 * `projector/src/main.ts` as its own process, started the way the dev supervisor starts it, with
 * JSON logs collected so a test can wait for what it says.
 */
export class ProjectorProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters = new Set<() => void>();

  constructor(options: ProjectorProcessOptions) {
    this.child = spawn(process.execPath, sourceServiceArgs(projectorRoot), {
      cwd: projectorRoot,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATABASE_URL: options.databaseUrl,
        FABRIC_CONNECTION_DIR: options.connectionDir,
        PROJECTOR_PORT: '0',
        LOG_LEVEL: options.logLevel ?? 'info',
        LOG_FORMAT: 'json',
        PROJECTOR_LEADER_POLL_MS: '250',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        resolve({ code, signal });
        this.#wake();
      });
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      try {
        this.lines.push(JSON.parse(line) as LogLine);
      } catch {
        this.lines.push({ level: 30, msg: line, time: new Date().toISOString() });
      }
      this.#wake();
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      this.lines.push({ level: 50, msg: `stderr: ${line}`, time: new Date().toISOString() });
      this.#wake();
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the first log line (already seen or to come) that matches. */
  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.lines.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (!this.running) {
          done();
          reject(new Error(`projector ${this.pid} exited; its log:\n${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no such log line within ${timeoutMs} ms; the log:\n${this.describe()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** The ops server's port, from its start-up line. */
  async port(): Promise<number> {
    const line = await this.waitForLog((l) => typeof l.port === 'number' && l.msg.includes('ops server'));
    return line.port as number;
  }

  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${await this.port()}/metrics`);
    return response.text();
  }

  /** A metric's value from /metrics (the first series whose name and labels start with `series`). */
  async metric(series: string): Promise<number> {
    const text = await this.metrics();
    const line = text.split('\n').find((l) => l.startsWith(series));
    if (!line) throw new Error(`no ${series} in /metrics`);
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }

  async kill(
    signal: NodeJS.Signals = 'SIGKILL',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.running) this.child.kill(signal);
    return this.exited;
  }

  describe(): string {
    return this.lines
      .slice(-40)
      .map((l) => `${l.level} ${l.msg} ${l.err ? JSON.stringify(l.err) : ''}`)
      .join('\n');
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
