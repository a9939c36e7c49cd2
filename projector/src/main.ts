import { connect, resolveDatabase } from '@gx/db';
import { connectLedger } from '@gx/fabric';
import { createLogger, loadConfig, onShutdown, startOpsServer } from '@gx/runtime';
import { Registry } from 'prom-client';
import { fabricConnectionDir, projectorEnv } from './config.js';
import { readLag } from './lag.js';
import { ProjectorMetrics } from './metrics.js';
import { Projector } from './projector.js';

const config = loadConfig('projector', projectorEnv);
const logger = createLogger({
  service: 'projector',
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  nodeEnv: config.NODE_ENV,
});

try {
  const resolved = await resolveDatabase(config, logger);
  const database = connect(resolved.url, { max: 4, applicationName: 'gx-projector' });
  const registry = new Registry();
  const metrics = new ProjectorMetrics(registry);
  const ledger = await connectLedger({ folder: fabricConnectionDir(config), logger, registry });
  metrics.measureFrom({ chainHeight: () => ledger.chainHeight(), lag: () => readLag(database.sql) });
  const projector = new Projector({
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
  const ops = await startOpsServer({
    port: config.PROJECTOR_PORT,
    registry,
    logger,
    readiness: () => projector.readiness(),
  });
  logger.info({ port: ops.port }, 'projector ops server listening (/livez /readyz /metrics)');
  projector.start();
  onShutdown(logger, async () => {
    // finish the block in progress, then let go of the lock
    await projector.stop();
    await ops.close();
    ledger.close();
    await database.close();
    await resolved.stop();
  });
} catch (error) {
  logger.fatal({ err: error }, `projector cannot start: ${(error as Error).message}`);
  process.exit(1);
}
