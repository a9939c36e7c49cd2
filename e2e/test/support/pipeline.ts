import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { listeningPort, type ServiceProcess, startService } from '@gx/runtime/testing';

export type PipelineService = 'submitter' | 'projector' | 'api';

/** Registering with this address gives the ADMIN role (the api's `ADMIN_EMAILS`). */
export const adminEmail = 'admin@e2e.example.com';

/** Fixed, so tokens issued before an api restart are still valid after it. */
const apiSecrets = {
  JWT_SECRET: 'e2e-jwt-secret-0123456789abcdef0123456789',
  GX_HMAC_KEY: 'e2e-hmac-key-0123456789abcdef0123456789ab',
};

/**
 * The whole pipeline for one test file, every part its own process: a test database of its own,
 * devnet in a temporary folder on a free port, and the submitter, projector and api started from
 * source as `pnpm dev` starts them. Services can be stopped and started again; the api comes back
 * on the port it had, so clients reconnect to the same address.
 */
export class Pipeline {
  readonly folder: string;
  readonly database: TestDatabase;
  readonly #devnet: ServiceProcess;
  readonly #connectionDir: string;
  readonly #running = new Map<PipelineService, ServiceProcess>();
  #apiPort = 0;

  private constructor(folder: string, database: TestDatabase, devnet: ServiceProcess, connectionDir: string) {
    this.folder = folder;
    this.database = database;
    this.#devnet = devnet;
    this.#connectionDir = connectionDir;
  }

  static async start(): Promise<Pipeline> {
    const folder = mkdtempSync(path.join(tmpdir(), 'gx-e2e-'));
    chmodSync(folder, 0o755);
    const database = await createTestDatabase();
    const devnet = await startService(
      'devnet',
      { NODE_ENV: 'test', GX_DATA_DIR: folder, DEVNET_PORT: '0', DEVNET_CONTROL_PORT: '0' },
      (line) => (typeof line.connectionDir === 'string' ? line.connectionDir : undefined),
    );
    const pipeline = new Pipeline(folder, database, devnet.process, devnet.value);
    await Promise.all((['submitter', 'projector', 'api'] as const).map((name) => pipeline.start(name)));
    return pipeline;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.#apiPort}`;
  }

  async start(name: PipelineService): Promise<void> {
    if (this.#running.has(name)) throw new Error(`${name} is running already`);
    const started = await startService(name, this.#env(name), listeningPort);
    this.#running.set(name, started.process);
    if (name === 'api') this.#apiPort = started.value;
  }

  /** SIGTERM and wait for the exit: the service's own clean shutdown. */
  async stop(name: PipelineService): Promise<void> {
    const service = this.#running.get(name);
    this.#running.delete(name);
    await service?.stop();
  }

  /** The last lines of every process, for a failure message. */
  describe(): string {
    return [this.#devnet, ...this.#running.values()].map((p) => p.describe()).join('\n\n');
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.#running.keys()].map((name) => this.stop(name)));
    await this.#devnet.stop();
    await this.database.drop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  #env(name: PipelineService): Record<string, string> {
    const common = {
      NODE_ENV: 'test',
      // info: the start-up line that says a service listens is an info line
      LOG_LEVEL: 'info',
      GX_DATA_DIR: this.folder,
      DATABASE_URL: this.database.url,
    };
    switch (name) {
      case 'submitter':
        return {
          ...common,
          FABRIC_CONNECTION_DIR: this.#connectionDir,
          SUBMITTER_PORT: '0',
          SUBMITTER_POLL_MS: '100',
        };
      case 'projector':
        return { ...common, FABRIC_CONNECTION_DIR: this.#connectionDir, PROJECTOR_PORT: '0' };
      case 'api':
        return {
          ...common,
          ...apiSecrets,
          API_PORT: String(this.#apiPort),
          API_HOST: '127.0.0.1',
          ADMIN_EMAILS: adminEmail,
          // the cost is a setting; the lowest keeps sign-ups fast (the figures in bench/ use 12)
          BCRYPT_COST: '4',
        };
    }
  }
}
