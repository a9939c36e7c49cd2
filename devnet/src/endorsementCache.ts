import type { NamespaceRwSet } from './rwset.js';

/** What devnet produced when it endorsed a transaction, kept until the transaction is submitted. */
export interface EndorsedTx {
  proposalHash: Uint8Array;
  proposalResponsePayload: Uint8Array;
  endorsement: Uint8Array;
  rwsets: NamespaceRwSet[];
  event: Uint8Array | undefined;
}

interface Entry {
  tx: EndorsedTx;
  expiresAt: number;
}

/**
 * Endorsements awaiting submission, by transaction id. A submitted envelope that carries exactly
 * this endorsement needs neither its read/write set decoded again nor its endorsement signature
 * verified (devnet made both). Clients may endorse and never submit, so entries expire after a
 * TTL and the cache holds at most `maxEntries`; a miss only costs the full check.
 */
export class EndorsementCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  put(txId: string, tx: EndorsedTx): void {
    this.evict();
    this.entries.delete(txId);
    this.entries.set(txId, { tx, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  /** Removes and returns the endorsement, when it has not expired. */
  take(txId: string): EndorsedTx | undefined {
    const entry = this.entries.get(txId);
    if (!entry) return undefined;
    this.entries.delete(txId);
    return entry.expiresAt > this.now() ? entry.tx : undefined;
  }

  /** Entries are in insertion order, which with one TTL is expiry order: drop from the front. */
  private evict(): void {
    const now = this.now();
    for (const [txId, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(txId);
    }
  }
}
