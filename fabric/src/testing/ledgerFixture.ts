import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Devnet, type DevnetOptions, startDevnet } from '@gx/devnet';
import { createLogger, type Logger } from '@gx/runtime';
import { Registry } from 'prom-client';
import type { BreakerOptions } from '../breaker.js';
import { connectLedger } from '../connectLedger.js';
import type { Ledger } from '../ledger.js';

export const silentLogger: Logger = createLogger({ service: 'fabric-test', level: 'silent', format: 'json' });

/** A devnet of the test file's own (temporary folder, free port), restartable on the same port. */
export class DevnetFixture {
  readonly folder = mkdtempSync(path.join(tmpdir(), 'gx-fabric-'));
  devnet!: Devnet;
  #port = 0;
  #running = false;

  constructor(private readonly options: DevnetOptions = {}) {
    chmodSync(this.folder, 0o755);
  }

  async start(): Promise<Devnet> {
    this.devnet = await startDevnet({ ...this.options, dataDir: this.folder, port: this.#port });
    this.#port = this.devnet.port;
    this.#running = true;
    return this.devnet;
  }

  get connectionDir(): string {
    return this.devnet.connectionDir;
  }

  async connect(breaker: BreakerOptions = {}, registry = new Registry()): Promise<Ledger> {
    return connectLedger({ folder: this.connectionDir, logger: silentLogger, breaker, registry });
  }

  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    await this.devnet.stop();
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Resolves once the ledger answers again (a reconnecting gRPC channel fails fast until then). */
export async function untilReachable(ledger: Ledger, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await ledger.chainHeight();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
