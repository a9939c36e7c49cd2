import type { Db } from '@gx/db';
import type { Role } from '@gx/schema';
import DataLoader from 'dataloader';
import { loadProfiles, loadRoles, type ProfileView } from '../services/profiles.js';
import { loadWallets, type WalletView } from '../services/wallets.js';

/** Per-operation batching: a list of N profiles costs one query per kind, never one per row. */
export interface Loaders {
  profile: DataLoader<string, ProfileView | null>;
  role: DataLoader<string, Role | null>;
  wallet: DataLoader<string, WalletView | null>;
}

function batch<V>(load: (ids: readonly string[]) => Promise<Map<string, V>>) {
  return new DataLoader<string, V | null>(async (ids) => {
    const found = await load(ids);
    return ids.map((id) => found.get(id) ?? null);
  });
}

export function createLoaders(db: Db): Loaders {
  return {
    profile: batch((ids) => loadProfiles(db, ids)),
    role: batch((ids) => loadRoles(db, ids)),
    wallet: batch((ids) => loadWallets(db, ids)),
  };
}
