export * from './commands.js';
export * from './harness.js';
export * from './ledgerEvents.js';
export * from './models.js';
export * from './projectorProcess.js';
export * from './wait.js';
export * from './workload.js';
