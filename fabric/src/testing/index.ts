export { hash, minting, registration, transferring } from './commands.js';
export { eventInjectingContracts, injectEvent } from './injectEvent.js';
export { DevnetFixture, silentLogger, untilReachable } from './ledgerFixture.js';
