import { kycVerifications, transactions, userProfiles, wallets } from '@gx/db';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';

export interface ReadModelTable {
  name: string;
  /** The columns a replay must reproduce: all but surrogate serial ids. */
  columns: string[];
}

/** The tables the projector owns: a rebuild replays, compares and swaps exactly these. */
export const readModelTables: readonly ReadModelTable[] = [
  userProfiles,
  wallets,
  kycVerifications,
  transactions,
].map((table: PgTable) => {
  const config = getTableConfig(table);
  return {
    name: config.name,
    columns: config.columns.filter((c) => !c.columnType.includes('Serial')).map((c) => c.name),
  };
});
