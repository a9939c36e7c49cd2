export * from './config.js';
export * from './ecdsa.js';
export { procStatFields } from './launchers.js';
export * from './logger.js';
export { serviceNodeArgs, sourceServiceArgs } from './nodeArgs.js';
export * from './opsServer.js';
export * from './paths.js';
export * from './shutdown.js';
