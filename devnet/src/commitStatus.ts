import type { Committer } from './committer.js';
import type { LedgerStore } from './store.js';

export interface TxStatus {
  code: number;
  blockNumber: number;
}

type Waiter = { resolve: (status: TxStatus) => void; reject: (error: Error) => void };

/**
 * Answers "how did transaction X commit", blocking until it has (the gateway's commit finder).
 * The waiter is registered before the ledger is consulted, so a commit landing in between is
 * not missed. The ledger answers with an id's first occurrence; among the transactions of one
 * block, the first with the id answers a waiter too: a resubmitted duplicate never replaces the
 * original's outcome.
 */
export class CommitStatusTracker {
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(
    private readonly store: LedgerStore,
    committer: Committer,
  ) {
    committer.onCommit((block) => {
      for (const tx of block.txs) {
        const waiting = this.waiters.get(tx.txId);
        if (!waiting) continue;
        this.waiters.delete(tx.txId);
        for (const waiter of waiting) waiter.resolve({ code: tx.code, blockNumber: block.blockNumber });
      }
    });
  }

  get waiting(): number {
    return this.waiters.size;
  }

  /** The status, at once if committed, else when it commits; `cancel` withdraws the wait (client gone). */
  wait(txId: string): { status: Promise<TxStatus>; cancel: () => void } {
    let waiter!: Waiter;
    const status = new Promise<TxStatus>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    const cancel = () => {
      const waiting = this.waiters.get(txId);
      waiting?.delete(waiter);
      if (waiting?.size === 0) this.waiters.delete(txId);
    };
    let waiting = this.waiters.get(txId);
    if (!waiting) {
      waiting = new Set();
      this.waiters.set(txId, waiting);
    }
    waiting.add(waiter);
    try {
      const committed = this.store.getTx(txId);
      if (committed) {
        cancel();
        waiter.resolve({ code: committed.code, blockNumber: committed.blockNumber });
      }
    } catch (error) {
      cancel();
      waiter.reject(error as Error);
    }
    return { status, cancel };
  }

  /** Fails every wait (devnet stopping or unavailable). */
  failAll(error: Error): void {
    const all = [...this.waiters.values()];
    this.waiters.clear();
    for (const waiting of all) for (const waiter of waiting) waiter.reject(error);
  }
}
