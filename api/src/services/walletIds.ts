import { type Db, userProfiles } from '@gx/db';
import { inArray } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';

/**
 * The wallet of each profile, as the read model knows it. A profile's wallet is made with it and
 * never changes, so a pair read once is kept (the most recently used, up to `capacity`): a transfer
 * or a mint then reads nothing before its own transaction. A profile not projected yet is not
 * kept, so it is read again next time.
 */
export class WalletIds {
  readonly #db: Db;
  readonly #known: LRUCache<string, string>;

  constructor(db: Db, capacity = 100_000) {
    this.#db = db;
    this.#known = new LRUCache({ max: capacity });
  }

  /** profile id → wallet id, for those of `profileIds` that have one. */
  async of(profileIds: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unknown: string[] = [];
    for (const profileId of profileIds) {
      const walletId = this.#known.get(profileId);
      if (walletId === undefined) unknown.push(profileId);
      else found.set(profileId, walletId);
    }
    if (unknown.length === 0) return found;
    const rows = await this.#db
      .select({ id: userProfiles.id, walletId: userProfiles.walletId })
      .from(userProfiles)
      .where(inArray(userProfiles.id, unknown));
    for (const row of rows) {
      this.#known.set(row.id, row.walletId);
      found.set(row.id, row.walletId);
    }
    return found;
  }
}
