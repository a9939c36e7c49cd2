export * from './commands.js';
export * from './countries.js';
export * from './enums.js';
export * from './events.js';
export * from './scalars.js';
export * from './status.js';
