import { status as grpcStatus } from '@grpc/grpc-js';
import type { CommandVerdict } from '@gx/schema';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { ChaincodeRejectedError, LedgerConflictError } from './errors.js';

export type Classification =
  /**
   * The ledger could not be reached or did not answer in time: the same signed transaction may be
   * resubmitted. `reachedLedger` is false when the call never left (peer unreachable, breaker
   * open): such a try is not an attempt.
   */
  | { kind: 'transient'; reason: string; reachedLedger: boolean }
  /** Invalidated at commit (MVCC or phantom read): the transaction is dead; endorse its commands again. */
  | { kind: 'conflict'; reason: string }
  /** The chaincode refused: final, with its reason. */
  | { kind: 'rejected'; reason: string }
  /** A repeated command id: applied before, nothing changed now. */
  | { kind: 'already-applied' }
  | { kind: 'applied' };

const chaincodeResponse = /^chaincode response \d+, /;

/**
 * What a ledger failure (or a command's result) means for the command: the one place that
 * decides retry, re-endorse, or stop. Anything unknown is transient, so it is retried a bounded
 * number of times rather than given up on at once.
 */
export function classify(outcome: unknown): Classification {
  if (isCommandVerdict(outcome)) {
    if (outcome.outcome === 'APPLIED') return { kind: 'applied' };
    if (outcome.outcome === 'ALREADY_APPLIED') return { kind: 'already-applied' };
    return { kind: 'rejected', reason: outcome.reason };
  }
  if (outcome instanceof ChaincodeRejectedError) return { kind: 'rejected', reason: outcome.reason };
  if (outcome instanceof LedgerConflictError) return { kind: 'conflict', reason: outcome.codeName };
  if (outcome instanceof GatewayError) {
    const refusal = chaincodeRefusal(outcome);
    if (refusal !== undefined) return { kind: 'rejected', reason: refusal };
    return {
      kind: 'transient',
      reason: `${grpcStatus[outcome.code] ?? outcome.code}: ${outcome.message}`,
      reachedLedger: outcome.code !== grpcStatus.UNAVAILABLE,
    };
  }
  const code = (outcome as { code?: unknown } | null)?.code;
  if (code === 'EOPENBREAKER')
    return { kind: 'transient', reason: 'circuit breaker open', reachedLedger: false };
  if (code === 'ETIMEDOUT')
    return { kind: 'transient', reason: 'ledger call timed out', reachedLedger: true };
  return {
    kind: 'transient',
    reason: outcome instanceof Error ? outcome.message : String(outcome),
    reachedLedger: true,
  };
}

/** The chaincode's own message when the peer answered that the chaincode refused the proposal. */
export function chaincodeRefusal(error: GatewayError): string | undefined {
  if (error.code !== grpcStatus.ABORTED && error.code !== grpcStatus.UNKNOWN) return undefined;
  const detail = error.details.find((d) => chaincodeResponse.test(d.message));
  return detail?.message.replace(chaincodeResponse, '');
}

function isCommandVerdict(value: unknown): value is CommandVerdict {
  return typeof value === 'object' && value !== null && 'outcome' in value && 'commandId' in value;
}
