import type { GroupRows } from '../sql/loadGroup.js';
import { saveReadModels } from '../sql/saveReadModels.js';
import type { Statements } from '../sql/statements.js';
import type { KycRow, ProfileRow, TransactionRow, WalletRow } from './rows.js';

/** The keys a group of events reads and writes, loaded in one query per table before the handlers run. */
export interface ReadModelKeys {
  profiles: Set<string>;
  wallets: Set<string>;
}

/**
 * The read models as the handlers of one database transaction see them: the rows the group
 * touches, loaded up front, changed in memory in ledger order (each handler sees the writes of the
 * ones before), then written back set-based, a few statements per group instead of several per
 * event. Only the projector writes these tables, under its checkpoint lock, so nothing changes them
 * in between.
 */
export class ReadModelTransaction {
  readonly #profiles = new Map<string, ProfileRow>();
  readonly #wallets = new Map<string, WalletRow>();
  readonly #kyc = new Map<string, KycRow>();
  readonly #dirtyProfiles = new Set<string>();
  readonly #dirtyWallets = new Set<string>();
  readonly #dirtyKyc = new Set<string>();
  readonly #transactions = new Map<string, TransactionRow>();

  /** The read models as loaded for a group (`loadGroup`). */
  static of(loaded: Pick<GroupRows, 'profiles' | 'kyc' | 'wallets'>): ReadModelTransaction {
    const models = new ReadModelTransaction();
    for (const row of loaded.profiles) models.#profiles.set(row.id, row);
    for (const row of loaded.wallets) models.#wallets.set(row.id, row);
    for (const row of loaded.kyc) models.#kyc.set(row.profileId, row);
    return models;
  }

  /** An empty model, for handler tests. */
  static empty(): ReadModelTransaction {
    return new ReadModelTransaction();
  }

  profile(id: string): ProfileRow | undefined {
    return this.#profiles.get(id);
  }

  saveProfile(row: ProfileRow): void {
    this.#profiles.set(row.id, row);
    this.#dirtyProfiles.add(row.id);
  }

  wallet(id: string): WalletRow | undefined {
    return this.#wallets.get(id);
  }

  saveWallet(row: WalletRow): void {
    this.#wallets.set(row.id, row);
    this.#dirtyWallets.add(row.id);
  }

  kyc(profileId: string): KycRow | undefined {
    return this.#kyc.get(profileId);
  }

  saveKyc(row: KycRow): void {
    this.#kyc.set(row.profileId, row);
    this.#dirtyKyc.add(row.profileId);
  }

  /** A transaction row, kept once per (command, direction): a repeat changes nothing. */
  recordTransaction(row: TransactionRow): void {
    const key = `${row.commandId}:${row.direction}`;
    if (!this.#transactions.has(key)) this.#transactions.set(key, row);
  }

  /** What the handlers wrote, in a form tests can read. */
  get changes() {
    return {
      profiles: [...this.#dirtyProfiles].map((id) => this.#profiles.get(id)!),
      wallets: [...this.#dirtyWallets].map((id) => this.#wallets.get(id)!),
      kyc: [...this.#dirtyKyc].map((id) => this.#kyc.get(id)!),
      transactions: [...this.#transactions.values()],
    };
  }

  /** Writes the changed rows back (upserts; transaction rows insert once), in the caller's transaction. */
  save(tx: Statements): Promise<void> {
    return saveReadModels(tx, this.changes);
  }
}
