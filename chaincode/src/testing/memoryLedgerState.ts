import type { LedgerState } from '../domain/ledgerState.js';

/** The domain's state over a map of JSON strings: serialised like the ledger, so no object is shared. */
export class MemoryLedgerState implements LedgerState {
  readonly entries = new Map<string, string>();

  async get(key: string): Promise<unknown> {
    const json = this.entries.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }

  async put(key: string, value: unknown): Promise<void> {
    this.entries.set(key, JSON.stringify(value));
  }

  /** A copy of every entry, to show that a command changed nothing. */
  snapshot(): Map<string, string> {
    return new Map(this.entries);
  }
}
