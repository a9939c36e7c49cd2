export * from './config.js';
export * from './logger.js';
export * from './paths.js';
export * from './shutdown.js';
