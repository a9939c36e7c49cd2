export type { ContractClass } from './chaincodeRunner.js';
export type { ConnectionProfile } from './connectionFiles.js';
export { channelName, type Devnet, type DevnetOptions, mspId, startDevnet } from './devnet.js';
export type { Fault } from './faults.js';
