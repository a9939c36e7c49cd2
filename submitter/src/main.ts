// The submitter as a process: `node dist/main.js`, configured by environment only.
import { loadConfig, onShutdown, serviceLogger } from '@gx/runtime';
import { submitterEnv } from './config.js';
import { startSubmitter } from './startSubmitter.js';

const config = loadConfig('submitter', submitterEnv);
const logger = serviceLogger('submitter', config);

try {
  const running = await startSubmitter(config, logger);
  onShutdown(logger, () => running.stop(), config.SUBMITTER_SHUTDOWN_GRACE_MS + 5_000);
} catch (error) {
  logger.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
