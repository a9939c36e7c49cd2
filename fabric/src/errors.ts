/** A connection folder that cannot be used; the message names the file and what is wrong with it. */
export class FabricConnectionError extends Error {
  override name = 'FabricConnectionError';
}

/** The chaincode refused a command: final, never retried. */
export class ChaincodeRejectedError extends Error {
  override name = 'ChaincodeRejectedError';
  constructor(
    readonly reason: string,
    readonly transactionId?: string,
  ) {
    super(reason);
  }
}

/**
 * The transaction was ordered but invalidated at commit (MVCC or phantom read conflict, or
 * another validation code): it is dead, its commands need a new endorsement.
 */
export class LedgerConflictError extends Error {
  override name = 'LedgerConflictError';
  constructor(
    readonly transactionId: string,
    readonly validationCode: number,
    readonly codeName: string,
  ) {
    super(`transaction ${transactionId} was invalidated at commit: ${codeName}`);
  }
}
