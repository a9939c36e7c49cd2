/**
 * The world state as the domain sees it: JSON values by key. Contracts back it with the stub's
 * overlay; tests with a plain map.
 */
export interface LedgerState {
  /** The value stored under `key`, or undefined when there is none. */
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
}
