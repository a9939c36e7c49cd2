export {
  aggregateLockKeys,
  aggregateLockStatement,
  type DbTransaction,
  lockAggregate,
} from './aggregateLock.js';
export { isUuid, nameArray, textArray, uuidArray } from './arrayLiterals.js';
export {
  type ConnectOptions,
  connect,
  type Database,
  type Db,
  type PendingQuery,
  type Sql,
  type SqlRow,
} from './connection.js';
export * from './embedded/index.js';
export { migrateDatabase, migrationsFolder } from './migrate.js';
export * from './notifications/index.js';
export { Pipeline, prepared, ReserveTimeoutError } from './pipeline.js';
export { type ProjectionLag, readLag } from './projectionLag.js';
export { type DatabaseSettings, type ResolvedDatabase, resolveDatabase } from './resolveDatabase.js';
export * from './tables/index.js';
export { oneOf } from './tables/oneOf.js';
