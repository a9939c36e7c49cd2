import { type ChildProcess, spawn } from 'node:child_process';
import type { Logger } from '@gx/runtime';

export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface SupervisorOptions {
  logger: Logger;
  /** Where children's output lines go, already prefixed with the service name. */
  write?: (line: string) => void;
  /** First restart delay; doubles on each quick failure up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A child that ran this long before dying restarts after the first delay again. */
  healthyAfterMs?: number;
  /** How long a child gets to stop after SIGTERM before SIGKILL. */
  stopGraceMs?: number;
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  restarts: number;
  delay: number;
  timer?: NodeJS.Timeout;
  startedAt: number;
}

const colours = [36, 35, 33, 32, 34, 31];

/**
 * Keeps child processes running, as Kubernetes would: a child that dies is restarted after a
 * growing delay. Children get their own process group (a terminal's Ctrl-C reaches only us, so we
 * stop them in order) and an IPC channel (they exit if we die).
 */
export class Supervisor {
  readonly #options: Required<SupervisorOptions>;
  readonly #services = new Map<string, Running>();
  #stopping = false;

  constructor(options: SupervisorOptions) {
    this.#options = {
      write: (line) => process.stdout.write(`${line}\n`),
      backoffMs: 500,
      maxBackoffMs: 30_000,
      healthyAfterMs: 60_000,
      stopGraceMs: 10_000,
      ...options,
    };
  }

  start(spec: ServiceSpec): void {
    const running: Running = { spec, restarts: 0, delay: this.#options.backoffMs, startedAt: 0 };
    this.#services.set(spec.name, running);
    this.#launch(running);
  }

  /** How often each service was restarted. */
  restarts(): Record<string, number> {
    return Object.fromEntries([...this.#services].map(([name, r]) => [name, r.restarts]));
  }

  pid(name: string): number | undefined {
    return this.#services.get(name)?.child?.pid;
  }

  /** Stops the children in the reverse order of their start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    for (const running of [...this.#services.values()].reverse()) {
      if (running.timer) clearTimeout(running.timer);
      await this.#stopChild(running);
    }
  }

  #launch(running: Running): void {
    const { spec } = running;
    const colour = colours[[...this.#services.keys()].indexOf(spec.name) % colours.length];
    const prefix = `\u001b[${colour}m${spec.name.padEnd(10)}\u001b[0m│ `;
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    running.child = child;
    running.startedAt = Date.now();
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.#options.write(prefix + line);
      });
    }
    child.on('error', (error) =>
      this.#options.logger.error({ service: spec.name, err: error }, 'could not start'),
    );
    child.on('exit', (code, signal) => {
      running.child = undefined;
      if (this.#stopping) return;
      const ranFor = Date.now() - running.startedAt;
      if (ranFor >= this.#options.healthyAfterMs) running.delay = this.#options.backoffMs;
      running.restarts += 1;
      this.#options.logger.warn(
        { service: spec.name, code, signal, restartInMs: running.delay, restarts: running.restarts },
        `${spec.name} exited; restarting`,
      );
      running.timer = setTimeout(() => {
        running.timer = undefined;
        if (!this.#stopping) this.#launch(running);
      }, running.delay);
      running.delay = Math.min(running.delay * 2, this.#options.maxBackoffMs);
    });
  }

  #stopChild(running: Running): Promise<void> {
    const child = running.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => {
        this.#options.logger.warn({ service: running.spec.name }, 'did not stop in time; killing');
        child.kill('SIGKILL');
      }, this.#options.stopGraceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
