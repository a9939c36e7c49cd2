export {
  advanceCheckpoint,
  beginning,
  CheckpointMovedError,
  findCheckpoint,
  liveCheckpoint,
  type Position,
  readCheckpoint,
} from './checkpoint.js';
export { fabricConnectionDir, type ProjectorConfig, parseProjectorConfig, projectorEnv } from './config.js';
export { applyEvent, type Handler, handlers, type Projected } from './handlers/index.js';
export { findLeader, LeaderLock, type LeaderSession, leaderLockName } from './leader.js';
export { ProjectorMetrics } from './metrics.js';
export { type ReadModelKeys, ReadModelTransaction } from './model/readModelTransaction.js';
export type { KycRow, ProfileRow, TransactionRow, WalletRow } from './model/rows.js';
export { type ProjectionOutcome, projectEvents } from './project.js';
export { Projector, type ProjectorOptions, type ProjectorState } from './projector.js';
export {
  type RebuildOptions,
  type RebuildProgress,
  type RebuildResult,
  rebuild,
  rebuildCheckpoint,
  rebuildSchema,
} from './rebuild/rebuild.js';
export type { TableComparison } from './rebuild/sideTables.js';
export { type UnpackedEvent, unpack, type Work } from './unpack.js';
