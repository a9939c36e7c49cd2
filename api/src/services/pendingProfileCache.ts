import { LRUCache } from 'lru-cache';
import type { PendingProfileRow } from './profileState.js';

/**
 * Each profile as this process's last `updateProfile` of it left it (the most recently written, up
 * to `capacity`): an update that names some fields builds on it instead of reading the profile
 * first. Never trusted beyond that: the group commit checks under the profile's lock that the names
 * and country it holds are still those of the latest update on its way (`gx_insert_commands`).
 * An update from another api process, one the chaincode refused, or a replayed key whose write
 * never happened make the check fail, and the write reads again.
 */
export class PendingProfileCache {
  readonly #profiles: LRUCache<string, PendingProfileRow>;

  constructor(capacity = 100_000) {
    this.#profiles = new LRUCache({ max: capacity });
  }

  get(profileId: string): PendingProfileRow | undefined {
    return this.#profiles.get(profileId);
  }

  /** The profile as the update just accepted leaves it. */
  remember(profile: PendingProfileRow): void {
    this.#profiles.set(profile.id, profile);
  }
}
