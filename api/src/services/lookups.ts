import { credentials, type Database, isUuid, userProfiles, uuidArray, wallets } from '@gx/db';
import type { Role } from '@gx/schema';
import DataLoader from 'dataloader';
import { type AnyColumn, sql } from 'drizzle-orm';
import { type PendingProfileRow, pendingProfiles } from './profileState.js';

export type ProfileView = typeof userProfiles.$inferSelect;

export interface WalletView {
  id: string;
  balance: string;
  updatedAt: Date;
}

/**
 * The read models' lookups by id, one set per api process and shared by all its operations: a list
 * of N profiles costs one query, and so do the `me` of N callers asking at once. Under load it is
 * the round trip, more than the query, that a read costs the api and PostgreSQL, so the ids asked
 * for during one turn of the event loop go together (`setImmediate`, where DataLoader's default
 * waits only for the current job's promises). No cache: every load reads the read model as it is
 * now. Authorization is the caller's, before the load; each load gets only its own row.
 */
export interface Lookups {
  profile: DataLoader<string, ProfileView | null>;
  /** A profile's role, from its credentials; null for a profile without (none is made that way). */
  role: DataLoader<string, Role | null>;
  wallet: DataLoader<string, WalletView | null>;
  /** The wallet of a profile, by profile id. */
  walletOfProfile: DataLoader<string, WalletView | null>;
  /** A profile as the updates on their way will leave it (what `updateProfile` builds on). */
  pendingProfile: DataLoader<string, PendingProfileRow | null>;
}

/** Enough for a page of any list; a turn that asks for more sends several queries. */
const maxBatchSize = 500;

/** The ids as one array parameter: one prepared statement for any number of them. */
const isAnyOf = (column: AnyColumn) => sql`${column} = any(${sql.placeholder('ids')}::uuid[])`;

/** Called with each query's number of ids, per lookup (for `api_lookup_batch_size`). */
export type ObserveLookup = (lookup: keyof Lookups, ids: number) => void;

/** The query of a statement prepared with the ids as one array parameter (`isAnyOf`). */
const byIds =
  <Row>(statement: { execute(values: { ids: string }): Promise<Row[]> }) =>
  (ids: readonly string[]) =>
    statement.execute({ ids: uuidArray(ids) });

const same = <T>(row: T) => row;
const walletColumns = { id: wallets.id, balance: wallets.balance, updatedAt: wallets.updatedAt };

export function createLookups({ db, sql: connection }: Database, observe: ObserveLookup = () => {}): Lookups {
  /** A lookup whose query is `read`, each row found by `keyOf`, answered as `viewOf` makes it. */
  function lookup<Row, V>(
    name: keyof Lookups,
    read: (ids: readonly string[]) => Promise<Row[]>,
    keyOf: (row: Row) => string,
    viewOf: (row: Row) => V,
  ): DataLoader<string, V | null> {
    return new DataLoader<string, V | null>(
      async (keys) => {
        // the query serves other operations too: a key that is no uuid is none of theirs to fail
        const ids = keys.filter(isUuid);
        if (ids.length > 0) observe(name, ids.length);
        const rows = ids.length > 0 ? await read(ids) : [];
        const found = new Map(rows.map((row) => [keyOf(row), viewOf(row)]));
        return keys.map((key) => found.get(key) ?? null);
      },
      { cache: false, maxBatchSize, batchScheduleFn: (dispatch) => setImmediate(dispatch) },
    );
  }

  const profiles = db.select().from(userProfiles).where(isAnyOf(userProfiles.id)).prepare('profiles_by_id');
  const roles = db
    .select({ profileId: credentials.profileId, role: credentials.role })
    .from(credentials)
    .where(isAnyOf(credentials.profileId))
    .prepare('roles_by_profile_id');
  const walletsById = db
    .select(walletColumns)
    .from(wallets)
    .where(isAnyOf(wallets.id))
    .prepare('wallets_by_id');
  const walletsOfProfiles = db
    .select({ ...walletColumns, profileId: wallets.profileId })
    .from(wallets)
    .where(isAnyOf(wallets.profileId))
    .prepare('wallets_by_profile_id');
  return {
    profile: lookup('profile', byIds(profiles), (row) => row.id, same),
    role: lookup(
      'role',
      byIds(roles),
      (row) => row.profileId,
      (row) => row.role as Role,
    ),
    wallet: lookup('wallet', byIds(walletsById), (row) => row.id, same),
    walletOfProfile: lookup(
      'walletOfProfile',
      byIds(walletsOfProfiles),
      (row) => row.profileId,
      ({ profileId: _, ...wallet }) => wallet,
    ),
    pendingProfile: lookup(
      'pendingProfile',
      (ids) => pendingProfiles(connection, ids),
      (row) => row.id,
      same,
    ),
  };
}
