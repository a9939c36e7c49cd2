import * as contractApiLogger from 'fabric-contract-api/lib/logger.js';
import * as shimLogger from 'fabric-shim/lib/logger.js';

/**
 * fabric-shim and fabric-contract-api log through winston, which formats every line before its
 * level is checked: about a tenth of devnet's CPU went into debug lines nobody sees. Their
 * module-level loggers are silenced (outcomes reach devnet's own log through the responses).
 * The shim also installs an 'unhandledRejection' listener that swallows rejections; removing
 * it restores Node's default, so a bug in devnet still stops the process.
 */
export function silenceFabricShimLogging(): void {
  for (const name of shimLoggers) shimLogger.getLogger(name).silent = true;
  for (const name of contractApiLoggers) contractApiLogger.getLogger(name).silent = true;
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
