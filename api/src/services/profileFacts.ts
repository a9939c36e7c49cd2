import type DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';
import type { ProfileView } from './lookups.js';

/** What a profile is registered with and never changes afterwards. */
export interface ProfileFacts {
  walletId: string;
  email: string;
  accountType: string;
}

/** Where the facts not kept yet are read: the read model's profiles by id (`Lookups.profile`). */
export type ProfileLookup = Pick<DataLoader<string, ProfileView | null>, 'loadMany'>;

/**
 * Each profile's facts, as the read model knows them. Only a registration sets them, so facts read
 * once are kept (the most recently used, up to `capacity`): a transfer, a mint or an update that
 * names every field then reads nothing before its own transaction. A profile not projected yet is
 * not kept, so it is read again next time. The reads go through the shared profile lookup, so the
 * writes of one turn that meet unknown profiles share one query.
 */
export class ProfileFactsCache {
  readonly #profiles: ProfileLookup;
  readonly #known: LRUCache<string, ProfileFacts>;

  constructor(profiles: ProfileLookup, capacity = 100_000) {
    this.#profiles = profiles;
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
    const profiles = await this.#profiles.loadMany(unknown);
    for (const profile of profiles) {
      if (profile instanceof Error) throw profile;
      if (!profile) continue;
      const facts = { walletId: profile.walletId, email: profile.email, accountType: profile.accountType };
      this.#known.set(profile.id, facts);
      found.set(profile.id, facts);
    }
    return found;
  }
}
