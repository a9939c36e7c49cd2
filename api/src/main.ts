// The api service: configuration from the environment, the database (embedded in development), the
// server, and a clean stop on SIGINT/SIGTERM.
import { resolveDatabase } from '@gx/db';
import { onShutdown, serviceLogger } from '@gx/runtime';
import { startApi } from './api.js';
import { loadApiConfig } from './config.js';
import { safeError } from './safeError.js';

const config = loadApiConfig();
const logger = serviceLogger('api', config);

const database = await resolveDatabase(config, logger).catch((error: Error) => {
  logger.fatal(error.message);
  process.exit(1);
});
const api = await startApi({ config, databaseUrl: database.url, logger }).catch((error: Error) => {
  logger.fatal({ error: safeError(error) }, 'api failed to start');
  process.exit(1);
});

onShutdown(logger, async () => {
  await api.stop();
  await database.stop();
});
