import { type Db, userProfiles } from '@gx/db';
import { inArray } from 'drizzle-orm';
import { LRUCache } from 'lru-cache';

/** What a profile is registered with and never changes afterwards. */
export interface ProfileFacts {
  walletId: string;
  email: string;
  accountType: string;
}

/**
 * Each profile's facts, as the read model knows them. Only a registration sets them, so facts read
 * once are kept (the most recently used, up to `capacity`): a transfer, a mint or an update that
 * names every field then reads nothing before its own transaction. A profile not projected yet is
 * not kept, so it is read again next time.
 */
export class ProfileFactsCache {
  readonly #db: Db;
  readonly #known: LRUCache<string, ProfileFacts>;

  constructor(db: Db, capacity = 100_000) {
    this.#db = db;
    this.#known = new LRUCache({ max: capacity });
  }

  /** profile id → facts, for those of `profileIds` that are projected. */
  async of(profileIds: readonly string[]): Promise<Map<string, ProfileFacts>> {
    const found = new Map<string, ProfileFacts>();
    const unknown: string[] = [];
    for (const profileId of profileIds) {
      const facts = this.#known.get(profileId);
      if (facts === undefined) unknown.push(profileId);
      else found.set(profileId, facts);
    }
    if (unknown.length === 0) return found;
    const rows = await this.#db
      .select({
        id: userProfiles.id,
        walletId: userProfiles.walletId,
        email: userProfiles.email,
        accountType: userProfiles.accountType,
      })
      .from(userProfiles)
      .where(inArray(userProfiles.id, unknown));
    for (const { id, ...facts } of rows) {
      this.#known.set(id, facts);
      found.set(id, facts);
    }
    return found;
  }
}
