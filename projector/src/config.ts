import path from 'node:path';
import {
  databaseServiceEnv,
  dataDir,
  millisVar,
  optionalStringVar,
  parseConfig,
  portVar,
  positiveIntVar,
} from '@gx/runtime';
import type { z } from 'zod';

/** The projector's environment (design, "Configuration"; README for its own settings). */
export const projectorEnv = databaseServiceEnv({
  PROJECTOR_PORT: portVar(9091),
  /** connection.json, client-cert.pem, client-key.pem, tls-ca.pem; default `$GX_DATA_DIR/devnet`. */
  FABRIC_CONNECTION_DIR: optionalStringVar(),
  /** How often a standby tries to take the leader lock (and the leader checks it still holds it). */
  PROJECTOR_LEADER_POLL_MS: millisVar(1_000),
  /** First delay before retrying a block after a database fault; doubles up to the maximum. */
  PROJECTOR_RETRY_BASE_MS: millisVar(200),
  PROJECTOR_RETRY_MAX_MS: millisVar(10_000),
  /** Blocks are grouped into one transaction while behind, up to about this many domain events. */
  PROJECTOR_MAX_GROUP_EVENTS: positiveIntVar(1_000),
  /** Delay before reopening a dropped ledger event stream (doubles up to 5 s). */
  PROJECTOR_RECONNECT_DELAY_MS: millisVar(200),
});

export type ProjectorConfig = z.infer<typeof projectorEnv>;

export function parseProjectorConfig(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  return parseConfig(projectorEnv, env);
}

/** The Fabric connection folder: FABRIC_CONNECTION_DIR, else `$GX_DATA_DIR/devnet` (where devnet writes it). */
export function fabricConnectionDir(
  config: Pick<ProjectorConfig, 'FABRIC_CONNECTION_DIR' | 'GX_DATA_DIR'>,
): string {
  return config.FABRIC_CONNECTION_DIR
    ? path.resolve(config.FABRIC_CONNECTION_DIR)
    : path.join(dataDir(config), 'devnet');
}
