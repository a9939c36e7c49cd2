export { clusterDir } from './clusterDir.js';
export { type EmbeddedPostgres, EmbeddedPostgresError, startEmbeddedPostgres } from './launcher.js';
export { freePort, portAvailable } from './portAvailable.js';
export { serverRunAs } from './runAsUser.js';
