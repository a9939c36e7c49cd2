import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type EmbeddedPostgres, freePort, migrateDatabase, startEmbeddedPostgres } from '@gx/db';
import { createLogger, sourceServiceArgs, workspaceRoot } from '@gx/runtime';
import { type ServiceProcess, startService } from '@gx/runtime/testing';
import { Supervisor } from '../../../scripts/supervisor.js';

/** The supervised services; two projectors, so that one stands by while the other leads. */
export const supervisedServices = ['submitter', 'projector-a', 'projector-b', 'api'] as const;
export type SupervisedService = (typeof supervisedServices)[number];

/** Registering with this address gives the ADMIN role (the api's `ADMIN_EMAILS`). */
export const adminEmail = 'admin@faults.example.com';

/** Fixed, so tokens issued before an api restart are still valid after it. */
const apiSecrets = {
  JWT_SECRET: 'faults-jwt-secret-0123456789abcdef01234567',
  GX_HMAC_KEY: 'faults-hmac-key-0123456789abcdef0123456789',
};

const linesKept = 60;

export interface LedgerFault {
  unavailable?: boolean;
  delayMs?: number;
}

/**
 * The whole stack for one fault scenario, as it runs in production: a PostgreSQL server of its own
 * (so the scenario can stop and start it), devnet with its fault-control endpoint, and the
 * submitter, two projectors and the api as processes kept alive by the `pnpm dev` supervisor, which
 * restarts a dead child with backoff as Kubernetes would. Every service has a fixed port, so a
 * restarted one is found where it was.
 */
export class SupervisedPipeline {
  readonly folder: string;
  readonly databaseUrl: string;
  readonly connectionDir: string;
  readonly ports: Record<SupervisedService, number>;
  readonly #supervisor: Supervisor;
  readonly #devnet: ServiceProcess;
  readonly #controlUrl: string;
  readonly #output = new Map<string, string[]>();
  #postgres: EmbeddedPostgres | undefined;
  readonly #postgresOptions: Parameters<typeof startEmbeddedPostgres>[0];

  private constructor(
    folder: string,
    postgres: EmbeddedPostgres,
    postgresOptions: Parameters<typeof startEmbeddedPostgres>[0],
    devnet: ServiceProcess,
    connectionDir: string,
    ports: Record<SupervisedService, number>,
  ) {
    this.folder = folder;
    this.#postgres = postgres;
    this.#postgresOptions = postgresOptions;
    this.databaseUrl = postgres.url;
    this.#devnet = devnet;
    this.connectionDir = connectionDir;
    this.#controlUrl = (
      JSON.parse(readFileSync(path.join(connectionDir, 'control.json'), 'utf8')) as { url: string }
    ).url;
    this.ports = ports;
    this.#supervisor = new Supervisor({
      logger: createLogger({ service: 'faults-supervisor', level: 'error', format: 'json' }),
      write: (line) => this.#keep(line),
      // a second restart of the same child in one scenario should not wait long
      maxBackoffMs: 4_000,
      stopGraceMs: 10_000,
    });
  }

  static async start(): Promise<SupervisedPipeline> {
    const folder = mkdtempSync(path.join(tmpdir(), 'gx-faults-'));
    chmodSync(folder, 0o755); // the embedded server's user must be able to enter it
    const postgresOptions = {
      dataDir: path.join(folder, 'pg'),
      port: await freePort(),
      logger: createLogger({ service: 'faults-postgres', level: 'warn', format: 'json' }),
      ephemeral: true,
    };
    const postgres = await startEmbeddedPostgres(postgresOptions);
    let devnet: { process: ServiceProcess; value: string };
    try {
      await migrateDatabase(postgres.url);
      devnet = await startService(
        'devnet',
        { NODE_ENV: 'test', GX_DATA_DIR: folder, DEVNET_PORT: '0', DEVNET_CONTROL_PORT: '0' },
        (line) => (typeof line.connectionDir === 'string' ? line.connectionDir : undefined),
      );
    } catch (error) {
      // the server runs detached: it would outlive the test run
      await postgres.stop();
      throw error;
    }
    const ports = Object.fromEntries(
      await Promise.all(supervisedServices.map(async (name) => [name, await freePort()] as const)),
    ) as Record<SupervisedService, number>;
    const pipeline = new SupervisedPipeline(
      folder,
      postgres,
      postgresOptions,
      devnet.process,
      devnet.value,
      ports,
    );
    for (const name of supervisedServices) pipeline.#launch(name);
    try {
      await pipeline.untilReady(supervisedServices, 120_000);
    } catch (error) {
      await pipeline.destroy();
      throw error;
    }
    return pipeline;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.ports.api}`;
  }

  readyzUrl(name: SupervisedService): string {
    return `http://127.0.0.1:${this.ports[name]}/readyz`;
  }

  /** Whether the service's `/readyz` answers ready now (no answer counts as not ready). */
  async isReady(name: SupervisedService): Promise<boolean> {
    return fetch(this.readyzUrl(name))
      .then((r) => r.ok)
      .catch(() => false);
  }

  /** `kill -9` of a service's current process; the supervisor brings it back. Returns the pid killed. */
  kill(name: SupervisedService): number {
    const pid = this.#supervisor.pid(name);
    if (pid === undefined) throw new Error(`${name} has no running process to kill`);
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** SIGSTOP: the process holds its connections and locks but does no work, as a hung process would. */
  freeze(name: SupervisedService): void {
    const pid = this.#supervisor.pid(name);
    if (pid === undefined) throw new Error(`${name} has no running process to freeze`);
    process.kill(pid, 'SIGSTOP');
  }

  pid(name: SupervisedService): number | undefined {
    return this.#supervisor.pid(name);
  }

  restarts(): Record<string, number> {
    return this.#supervisor.restarts();
  }

  /** The projector holding the leader lock now, from the projectors' own readiness reports. */
  async leaderProjector(timeoutMs = 30_000): Promise<SupervisedService> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const name of ['projector-a', 'projector-b'] as const) {
        const body = await fetch(this.readyzUrl(name))
          .then((r) => r.json() as Promise<{ role?: string }>)
          .catch(() => undefined);
        if (body?.role === 'leader') return name;
      }
      await sleep(250);
    }
    throw new Error(`no projector reported itself leader within ${timeoutMs} ms\n${this.describe()}`);
  }

  async untilReady(names: readonly SupervisedService[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const name of names) {
      for (;;) {
        if (await this.isReady(name)) break;
        if (Date.now() > deadline) {
          throw new Error(`${name} not ready within ${timeoutMs} ms\n${this.describe()}`);
        }
        await sleep(250);
      }
    }
  }

  /** Where the commands stand in the pipeline now: what a fault injected at this instant interrupts. */
  async commandsInFlight(): Promise<string> {
    const database = connect(this.databaseUrl, { max: 1, applicationName: 'gx-faults-probe' });
    try {
      const [row] = await database.sql<{ claimed: number; submitted: number; committed: number }[]>`
        select count(*) filter (where locked_by is not null)::int as claimed,
               count(*) filter (where status = 'SUBMITTED')::int as submitted,
               count(*) filter (where status = 'COMMITTED')::int as committed
        from commands`;
      return `${row?.claimed} claimed by a submitter, ${row?.submitted} SUBMITTED, ${row?.committed} COMMITTED not yet projected`;
    } finally {
      await database.close();
    }
  }

  /** Stops PostgreSQL (fast shutdown: every session is cut), keeps it down `downMs`, starts it again on its data and port. */
  async restartPostgres(downMs: number): Promise<void> {
    await this.#postgres?.stop();
    this.#postgres = undefined;
    await sleep(downMs);
    this.#postgres = await startEmbeddedPostgres(this.#postgresOptions);
  }

  async setLedgerFault(fault: LedgerFault): Promise<void> {
    const response = await fetch(`${this.#controlUrl}/fault`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(fault),
    });
    if (!response.ok) throw new Error(`devnet refused the fault: ${await response.text()}`);
  }

  async clearLedgerFault(): Promise<void> {
    const response = await fetch(`${this.#controlUrl}/fault`, { method: 'DELETE' });
    if (!response.ok) throw new Error(`devnet did not clear the fault: ${await response.text()}`);
  }

  /** The last lines of every process, for a failure message. */
  describe(): string {
    const supervised = [...this.#output].map(([name, lines]) => `${name}:\n${lines.join('\n')}`);
    return [this.#devnet.describe(), ...supervised].join('\n\n');
  }

  async destroy(): Promise<void> {
    await this.#supervisor.stop();
    await this.#devnet.stop();
    await this.#postgres?.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  #launch(name: SupervisedService): void {
    const service = name.startsWith('projector') ? 'projector' : name;
    this.#supervisor.start({
      name,
      command: process.execPath,
      args: sourceServiceArgs(path.join(workspaceRoot(), service)),
      cwd: path.join(workspaceRoot(), service),
      env: { ...this.#env(name), LOG_FORMAT: 'json', LOG_LEVEL: 'info', FORCE_COLOR: '0' },
    });
  }

  #env(name: SupervisedService): Record<string, string> {
    const common = { NODE_ENV: 'test', GX_DATA_DIR: this.folder, DATABASE_URL: this.databaseUrl };
    const port = String(this.ports[name]);
    switch (name) {
      case 'submitter':
        return {
          ...common,
          FABRIC_CONNECTION_DIR: this.connectionDir,
          SUBMITTER_PORT: port,
          // a killed submitter's leases must expire within the scenario, not after the default minute
          SUBMITTER_LEASE_MS: '10000',
          // the breaker probes the ledger again 5 s after opening, so recovery is measured in seconds
          FABRIC_BREAKER_RESET_MS: '5000',
        };
      case 'projector-a':
      case 'projector-b':
        return { ...common, FABRIC_CONNECTION_DIR: this.connectionDir, PROJECTOR_PORT: port };
      case 'api':
        return {
          ...common,
          ...apiSecrets,
          API_PORT: port,
          API_HOST: '127.0.0.1',
          ADMIN_EMAILS: adminEmail,
          BCRYPT_COST: '4',
        };
    }
  }

  /** Keeps a child's last lines; the supervisor prefixes each with the child's (coloured) name and a bar. */
  #keep(line: string): void {
    const bar = line.indexOf('│');
    const prefix = line.slice(0, bar);
    const name = supervisedServices.find((service) => prefix.includes(service)) ?? 'supervisor';
    const lines = this.#output.get(name) ?? [];
    lines.push(line.slice(bar + 2));
    if (lines.length > linesKept) lines.shift();
    this.#output.set(name, lines);
  }
}
