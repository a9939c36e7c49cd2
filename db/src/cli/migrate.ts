// `pnpm db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded server.
import { databaseServiceEnv, loadConfig, serviceLogger } from '@gx/runtime';
import { migrateDatabase } from '../migrate.js';
import { resolveDatabase } from '../resolveDatabase.js';

const config = loadConfig('db:migrate', databaseServiceEnv({}));
const logger = serviceLogger('db:migrate', config);

try {
  const database = await resolveDatabase(config, logger);
  try {
    await migrateDatabase(database.url);
    logger.info({ embedded: database.embedded }, 'migrations applied');
  } finally {
    await database.stop();
  }
} catch (error) {
  logger.error({ err: error }, 'migration failed');
  process.exitCode = 1;
}
