import { peer } from '@hyperledger/fabric-protos';
import type { OrderedTx } from './envelope.js';
import { sameVersion, type Version } from './rwset.js';

const Code = peer.TxValidationCode;

/** What validation needs to know about the committed ledger. */
export interface CommittedLedger {
  version(namespace: string, key: string): Version | null;
  hasTx(txId: string): boolean;
}

export interface StateUpdate {
  namespace: string;
  key: string;
  value: Uint8Array | null;
  version: Version;
}

export interface BlockValidation {
  codes: number[];
  /** The writes of valid transactions, the last write of a key winning, in the order they were made. */
  updates: StateUpdate[];
  /** Transactions whose id appears on the chain for the first time, by position. */
  firstOccurrences: number[];
}

/**
 * Validates a block's transactions in order, as Fabric's committer does: an id already on the
 * chain or earlier in the block is DUPLICATE_TXID; then every key a transaction read must still
 * have the version it read, against committed state and the writes of the valid transactions
 * before it in this block (a key written earlier in the block is a conflict), or the
 * transaction is MVCC_READ_CONFLICT. Only valid transactions write, at version (block, position).
 */
export function validateBlock(
  blockNumber: number,
  txs: readonly OrderedTx[],
  ledger: CommittedLedger,
): BlockValidation {
  const codes: number[] = [];
  const firstOccurrences: number[] = [];
  const seen = new Set<string>();
  const updates = new Map<string, StateUpdate>();

  txs.forEach((tx, txNum) => {
    let code = tx.precheck;
    const duplicateInBlock = tx.txId !== '' && seen.has(tx.txId);
    const onLedger = tx.txId !== '' && !duplicateInBlock && ledger.hasTx(tx.txId);
    if (tx.txId !== '') seen.add(tx.txId);
    if (duplicateInBlock || (onLedger && code === Code.VALID)) code = Code.DUPLICATE_TXID;
    if (code === Code.VALID) code = checkReads(tx, updates, ledger);
    if (code === Code.VALID) {
      for (const rwset of tx.rwsets) {
        for (const write of rwset.writes) {
          const id = compositeId(rwset.namespace, write.key);
          updates.delete(id);
          updates.set(id, {
            namespace: rwset.namespace,
            key: write.key,
            value: write.value,
            version: { blockNum: blockNumber, txNum },
          });
        }
      }
    }
    if (tx.txId !== '' && !duplicateInBlock && !onLedger) firstOccurrences.push(txNum);
    codes.push(code);
  });
  return { codes, updates: [...updates.values()], firstOccurrences };
}

function checkReads(tx: OrderedTx, updates: Map<string, StateUpdate>, ledger: CommittedLedger): number {
  for (const rwset of tx.rwsets) {
    // Range reads would need phantom checks; no contract here performs them, so none is trusted.
    if (rwset.rangeQueries > 0) return Code.PHANTOM_READ_CONFLICT;
    for (const read of rwset.reads) {
      if (updates.has(compositeId(rwset.namespace, read.key))) return Code.MVCC_READ_CONFLICT;
      if (!sameVersion(read.version, ledger.version(rwset.namespace, read.key)))
        return Code.MVCC_READ_CONFLICT;
    }
  }
  return Code.VALID;
}

function compositeId(namespace: string, key: string): string {
  return `${namespace}\u0000${key}`;
}
