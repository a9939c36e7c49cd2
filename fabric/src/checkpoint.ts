/**
 * A position in the ledger's chaincode events: the block, and the last of our transactions in it
 * already handled. Reading resumes strictly after it; without a transaction id, at the block's start.
 */
export interface LedgerCheckpoint {
  blockNumber: bigint;
  transactionId?: string | undefined;
}

/** The first position of a ledger: block 0, nothing handled. */
export const genesis: LedgerCheckpoint = { blockNumber: 0n };
