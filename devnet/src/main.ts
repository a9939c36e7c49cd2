import { dataDir, loadConfig, onShutdown, serviceLogger } from '@gx/runtime';
import { devnetEnv } from './config.js';
import { startDevnet } from './devnet.js';

const config = loadConfig('devnet', devnetEnv);
const logger = serviceLogger('devnet', config);

try {
  const devnet = await startDevnet({
    dataDir: dataDir(),
    port: config.DEVNET_PORT,
    host: config.DEVNET_HOST,
    batchTimeoutMs: config.DEVNET_BATCH_TIMEOUT_MS,
    batchSize: config.DEVNET_BATCH_SIZE,
    controlPort: config.DEVNET_CONTROL_PORT,
    ...(config.OPERATOR_MSP_ID ? { operatorMspId: config.OPERATOR_MSP_ID } : {}),
    logger,
  });
  logger.info(
    { endpoint: devnet.endpoint, connectionDir: devnet.connectionDir, control: devnet.controlUrl },
    `devnet ready at ${devnet.endpoint}; connection files in ${devnet.connectionDir}`,
  );
  onShutdown(logger, () => devnet.stop());
} catch (error) {
  logger.fatal({ err: error }, `devnet could not start: ${(error as Error).message}`);
  process.exit(1);
}
