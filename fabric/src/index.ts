export type { BreakerOptions } from './breaker.js';
export { genesis, type LedgerCheckpoint } from './checkpoint.js';
export { type Classification, classify } from './classify.js';
export { type ConnectionProfile, connectionFiles, loadConnectionProfile } from './connectionProfile.js';
export { type ConnectLedgerOptions, connectLedger } from './connectLedger.js';
export { ChaincodeRejectedError, FabricConnectionError, LedgerConflictError } from './errors.js';
export { arrivedTogether, type LedgerEvent, type LedgerEvents } from './events.js';
export {
  type CommittedTransaction,
  type Deadlines,
  defaultDeadlines,
  Ledger,
  type LedgerOptions,
  type LookupResult,
  type PreparedTransaction,
} from './ledger.js';
export { type BreakerState, breakerStates } from './metrics.js';
export { nativeSigning } from './nativeSigning.js';
export { validationCode, validationCodeName } from './validationCodes.js';
