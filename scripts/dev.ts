// `pnpm dev`: the whole stack on one machine — PostgreSQL (embedded unless DATABASE_URL),
// migrations, then every service as a supervised child process.
import { migrateDatabase, resolveDatabase } from '@gx/db';
import {
  createLogger,
  databaseServiceEnv,
  loadConfig,
  onShutdown,
  portVar,
  stopWithLaunchers,
  workspaceRoot,
} from '@gx/runtime';
import { devServices } from './services.js';
import { Supervisor } from './supervisor.js';
import { waitForPort } from './waitForPort.js';

const config = loadConfig('dev', databaseServiceEnv({ API_PORT: portVar(4000), DEVNET_PORT: portVar(7051) }));
const logger = createLogger({ service: 'dev', level: config.LOG_LEVEL, format: 'pretty' });

const database = await resolveDatabase(config, logger, { adopt: true }).catch((error: Error) => {
  logger.fatal(error.message);
  process.exit(1);
});
await migrateDatabase(database.url);
logger.info({ url: database.url, embedded: database.embedded }, 'database ready, migrations applied');

const supervisor = new Supervisor({ logger });
const services = devServices(workspaceRoot(), {
  DATABASE_URL: database.url,
  LOG_FORMAT: 'pretty',
  FORCE_COLOR: process.stdout.isTTY ? '1' : '0',
  ADMIN_EMAILS: process.env.ADMIN_EMAILS ?? 'admin@example.com',
});
for (const service of services) {
  supervisor.start(service);
  // The workers read devnet's connection files at start: let it write them first.
  if (service.name === 'devnet') await waitForPort(config.DEVNET_PORT, 60_000).catch(() => {});
}
logger.info({ services: services.map((s) => s.name) }, 'services started');
if (services.some((s) => s.name === 'api')) {
  await waitForPort(config.API_PORT, 60_000)
    .then(() => logger.info(`GraphiQL: http://localhost:${config.API_PORT}/graphql`))
    .catch(() => logger.warn('the api did not open its port within a minute; see its log above'));
}

onShutdown(logger, async () => {
  await supervisor.stop();
  await database.stop();
});
stopWithLaunchers();
