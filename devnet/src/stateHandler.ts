import type { KeyRead, KeyWrite, NamespaceRwSet } from './rwset.js';
import { LedgerUnavailableError, type StateEntry } from './store.js';

/** Reads committed world state; the ledger store in production, anything keyed the same way in tests. */
export interface StateReader {
  getState(namespace: string, key: string): StateEntry | undefined;
}

const empty = Buffer.alloc(0);

/**
 * The peer side of one chaincode invocation (Fabric's transaction simulator), in the shape
 * fabric-shim's `ChaincodeStub` calls: reads come from committed state and record the version
 * they saw; writes are only collected. As in Fabric, a transaction does not read its own
 * writes, and a key read twice answers the same both times (the peer holds the state steady
 * during a simulation). Only public state exists: a private collection is refused.
 */
export class StateHandler {
  private readonly reads = new Map<string, StateEntry | undefined>();
  private readonly writes = new Map<string, Uint8Array | null>();
  private closed = false;
  /** Set when the ledger failed under a read: the outcome is then the ledger's fault, not the contract's. */
  ledgerFailure: LedgerUnavailableError | undefined;

  constructor(
    private readonly state: StateReader,
    private readonly namespace: string,
  ) {}

  async handleGetState(collection: string, key: string): Promise<Buffer> {
    this.check(collection);
    let entry: StateEntry | undefined;
    if (this.reads.has(key)) entry = this.reads.get(key);
    else {
      try {
        entry = this.state.getState(this.namespace, key);
      } catch (error) {
        if (error instanceof LedgerUnavailableError) this.ledgerFailure = error;
        throw error;
      }
      this.reads.set(key, entry);
    }
    return entry ? Buffer.from(entry.value) : empty;
  }

  async handlePutState(collection: string, key: string, value: Uint8Array): Promise<void> {
    this.check(collection);
    this.writes.set(key, Buffer.from(value));
  }

  async handleDeleteState(collection: string, key: string): Promise<void> {
    this.check(collection);
    this.writes.set(key, null);
  }

  /** Ends the simulation: a contract still running after its deadline can no longer record anything. */
  close(): NamespaceRwSet {
    this.closed = true;
    const reads: KeyRead[] = [...this.reads].map(([key, entry]) => ({
      key,
      version: entry?.version ?? null,
    }));
    const writes: KeyWrite[] = [...this.writes].map(([key, value]) => ({ key, value }));
    return { namespace: this.namespace, reads, writes, rangeQueries: 0 };
  }

  private check(collection: string): void {
    if (this.closed) throw new Error('transaction context is no longer valid');
    if (collection !== '') {
      throw new Error(
        `collection config not defined for chaincode [${this.namespace}], pass the collection configuration upon chaincode definition/instantiation`,
      );
    }
  }
}
