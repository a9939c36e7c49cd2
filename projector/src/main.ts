import { connect, type Database, type ResolvedDatabase, readLag, resolveDatabase } from '@gx/db';
import { connectLedger, type Ledger } from '@gx/fabric';
import { loadConfig, type OpsServer, onShutdown, serviceLogger, startOpsServer } from '@gx/runtime';
import { Registry } from 'prom-client';
import { fabricConnectionDir, projectorEnv } from './config.js';
import { errorLine, loggable } from './errors.js';
import { ProjectorMetrics } from './metrics.js';
import { Projector } from './projector.js';

const config = loadConfig('projector', projectorEnv);
const logger = serviceLogger('projector', config);

let resolved: ResolvedDatabase | undefined;
let database: Database | undefined;
let ledger: Ledger | undefined;
let projector: Projector | undefined;
let ops: OpsServer | undefined;
let stopping = false;

// SIGTERM at any point: finish the block in progress, let go of the lock, exit 0
onShutdown(logger, async () => {
  stopping = true;
  await projector?.stop();
  await ops?.close();
  ledger?.close();
  await database?.close();
  await resolved?.stop();
});

try {
  resolved = await resolveDatabase(config, logger);
  database = connect(resolved.url, { max: 4, applicationName: 'gx-projector' });
  const registry = new Registry();
  const metrics = new ProjectorMetrics(registry);
  ledger = await connectLedger({ folder: fabricConnectionDir(config), logger, registry });
  const { sql } = database;
  const reader = ledger;
  metrics.measureFrom({ chainHeight: () => reader.chainHeight(), lag: () => readLag(sql) });
  const running = new Projector({
    database,
    databaseUrl: resolved.url,
    ledger,
    logger,
    metrics,
    leaderPollMs: config.PROJECTOR_LEADER_POLL_MS,
    retryBaseMs: config.PROJECTOR_RETRY_BASE_MS,
    retryMaxMs: config.PROJECTOR_RETRY_MAX_MS,
    maxGroupEvents: config.PROJECTOR_MAX_GROUP_EVENTS,
    reconnectDelayMs: config.PROJECTOR_RECONNECT_DELAY_MS,
  });
  ops = await startOpsServer({
    port: config.PROJECTOR_PORT,
    registry,
    logger,
    readiness: () => running.readiness(),
  });
  logger.info({ port: ops.port }, 'projector ops server listening (/livez /readyz /metrics)');
  if (!stopping) {
    projector = running;
    running.start();
  }
} catch (error) {
  logger.fatal({ err: loggable(error) }, `projector cannot start: ${errorLine(error)}`);
  process.exit(1);
}
