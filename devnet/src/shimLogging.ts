import * as contractApiLogger from 'fabric-contract-api/lib/logger.js';
import * as shimLogger from 'fabric-shim/lib/logger.js';

const levels = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
const ignore = () => undefined;

/**
 * fabric-shim and fabric-contract-api log through winston, which pushes every line through its
 * stream and format pipeline before any level check: about a tenth of devnet's CPU went into
 * debug lines nobody sees (even a `silent` winston logger still streams them). Their
 * module-level loggers get no-op level methods; outcomes reach devnet's own log through the
 * responses. The shim also installs an 'unhandledRejection' listener that swallows rejections;
 * removing it restores Node's default, so a bug in devnet still stops the process.
 */
export function silenceFabricShimLogging(): void {
  for (const logger of [
    ...shimLoggers.map((name) => shimLogger.getLogger(name)),
    ...contractApiLoggers.map((name) => contractApiLogger.getLogger(name)),
  ]) {
    logger.silent = true;
    for (const level of levels) Object.assign(logger, { [level]: ignore });
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (listener.name === 'loggerUnhandledRejectionFn')
      process.removeListener('unhandledRejection', listener);
  }
}

const shimLoggers = [
  '_',
  'lib/chaincode.js',
  'lib/stub.js',
  'lib/handler.js',
  'lib/iterators.js',
  'contracts-spi/chaincodefromcontract.js',
  'contracts-spi/datamarshall.js',
];

const contractApiLoggers = [
  './lib/contract.js',
  './lib/jsontransactionserializer.js',
  './lib/annotations/default.js',
  './lib/annotations/info.js',
  './lib/annotations/object.js',
  './lib/annotations/transaction.js',
];
