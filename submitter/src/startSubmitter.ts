import { hostname } from 'node:os';
import path from 'node:path';
import { connect, createListener, resolveDatabase } from '@gx/db';
import { connectLedger } from '@gx/fabric';
import { dataDir, type Logger, startOpsServer } from '@gx/runtime';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import type { SubmitterConfig } from './config.js';
import { submitterMetrics } from './metrics.js';
import { Submitter } from './submitter.js';

export interface RunningSubmitter {
  /** The ops port (/metrics, /livez, /readyz). */
  port: number;
  submitter: Submitter;
  stop(): Promise<void>;
}

/** Wires a submitter from its configuration: database, ledger, LISTEN, metrics and ops endpoints. */
export async function startSubmitter(config: SubmitterConfig, logger: Logger): Promise<RunningSubmitter> {
  const database = await resolveDatabase(config, logger);
  const shared = connect(database.url, { max: 4, applicationName: 'gx-submitter' });
  const registry = new Registry();
  const ledger = await connectLedger({
    folder: config.FABRIC_CONNECTION_DIR ?? path.join(dataDir(config), 'devnet'),
    logger,
    registry,
    breaker: {
      timeoutMs: config.FABRIC_BREAKER_TIMEOUT_MS,
      errorThresholdPercentage: config.FABRIC_BREAKER_ERROR_PERCENT,
      resetTimeoutMs: config.FABRIC_BREAKER_RESET_MS,
      volumeThreshold: config.FABRIC_BREAKER_VOLUME,
    },
  });
  const listener = config.SUBMITTER_LISTEN ? createListener(database.url, { logger }) : undefined;
  const submitter = new Submitter({
    database: shared,
    openClaimPool: () => connect(database.url, { max: 1, applicationName: 'gx-submitter-claim' }).sql,
    ledger,
    ...(listener ? { listener } : {}),
    logger,
    metrics: submitterMetrics(registry),
    settings: {
      workerId: config.SUBMITTER_WORKER_ID ?? `${hostname()}-${process.pid}`,
      maxBatch: config.SUBMITTER_MAX_BATCH,
      maxInFlight: config.SUBMITTER_MAX_IN_FLIGHT,
      pollMs: config.SUBMITTER_POLL_MS,
      leaseMs: config.SUBMITTER_LEASE_MS,
      maxAttempts: config.SUBMITTER_MAX_ATTEMPTS,
      backoff: { baseMs: config.SUBMITTER_BACKOFF_BASE_MS, capMs: config.SUBMITTER_BACKOFF_CAP_MS },
    },
  });
  await submitter.start();
  const ops = await startOpsServer({
    port: config.SUBMITTER_PORT,
    registry,
    logger,
    readiness: async () => {
      await shared.db.execute(sql`select 1`);
      return { ready: true, details: { breaker: ledger.breakerState } };
    },
  });
  logger.info({ port: ops.port }, 'submitter ops endpoints listening');
  return {
    port: ops.port,
    submitter,
    async stop() {
      await submitter.stop(config.SUBMITTER_SHUTDOWN_GRACE_MS);
      await ops.close();
      await listener?.close();
      ledger.close();
      await shared.close();
      await database.stop();
    },
  };
}
