import { databaseServiceEnv, millisVar, optionalStringVar, portVar, positiveIntVar } from '@gx/runtime';
import { z } from 'zod';

const booleanVar = (fallback: boolean) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v),
    z
      .enum(['true', 'false', '1', '0'], { error: 'expected true or false' })
      .transform((v) => v === 'true' || v === '1')
      .default(fallback),
  );

export const submitterEnv = databaseServiceEnv({
  SUBMITTER_PORT: portVar(9090),
  /** Folder with connection.json and the client identity; default `$GX_DATA_DIR/devnet`. */
  FABRIC_CONNECTION_DIR: optionalStringVar(),
  SUBMITTER_WORKER_ID: optionalStringVar(),
  /** Commands per Fabric transaction at most (1: one transaction per command). */
  SUBMITTER_MAX_BATCH: positiveIntVar(100),
  /** Fabric transactions in flight at most. */
  SUBMITTER_MAX_IN_FLIGHT: positiveIntVar(16),
  /** LISTEN on gx_outbox for an immediate wake; false leaves only the poll (the naive baseline). */
  SUBMITTER_LISTEN: booleanVar(true),
  SUBMITTER_POLL_MS: millisVar(1_000),
  SUBMITTER_LEASE_MS: millisVar(60_000),
  SUBMITTER_MAX_ATTEMPTS: positiveIntVar(5),
  SUBMITTER_BACKOFF_BASE_MS: millisVar(500),
  SUBMITTER_BACKOFF_CAP_MS: millisVar(60_000),
  SUBMITTER_SHUTDOWN_GRACE_MS: millisVar(20_000),
  FABRIC_BREAKER_TIMEOUT_MS: millisVar(30_000),
  FABRIC_BREAKER_ERROR_PERCENT: positiveIntVar(50),
  FABRIC_BREAKER_RESET_MS: millisVar(30_000),
  FABRIC_BREAKER_VOLUME: positiveIntVar(5),
});

export type SubmitterConfig = z.infer<typeof submitterEnv>;
