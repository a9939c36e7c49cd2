import type { ChaincodeStub } from 'fabric-shim';
import type { LedgerState } from './domain/ledgerState.js';

/**
 * The domain's state over one transaction's stub. Fabric does not let a transaction read its own
 * writes, so writes wait here, where later reads of the same transaction find them, and reach the
 * stub once per key in `flush()`. Reads are kept as well: each `getState` is a round trip to the peer.
 */
export class StateOverlay implements LedgerState {
  readonly #stub: Pick<ChaincodeStub, 'getState' | 'putState'>;
  /** Key → JSON text, or undefined when the key has no value. */
  readonly #known = new Map<string, string | undefined>();
  readonly #pending = new Set<string>();

  constructor(stub: Pick<ChaincodeStub, 'getState' | 'putState'>) {
    this.#stub = stub;
  }

  async get(key: string): Promise<unknown> {
    if (!this.#known.has(key)) {
      const bytes = await this.#stub.getState(key);
      // The peer answers a missing key with empty bytes.
      this.#known.set(key, bytes.length === 0 ? undefined : Buffer.from(bytes).toString('utf8'));
    }
    const json = this.#known.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.#known.set(key, JSON.stringify(value));
    this.#pending.add(key);
  }

  /** Hands the pending writes to the stub, each key once, with its last value. */
  async flush(): Promise<void> {
    for (const key of this.#pending) await this.#stub.putState(key, Buffer.from(this.#known.get(key) ?? ''));
    this.#pending.clear();
  }
}
