export { acceptCommands } from './acceptCommands.js';
export { withDatabase } from './globalSetup.js';
export { createTestDatabase, type TestDatabase } from './testDatabase.js';
