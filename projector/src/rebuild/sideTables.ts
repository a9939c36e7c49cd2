import type { Db, DbTransaction } from '@gx/db';
import { sql } from 'drizzle-orm';
import { readModelTables } from './readModels.js';

type Executor = Db | DbTransaction;

const ident = (name: string) => sql.identifier(name);
const qualified = (schema: string, table: string) => sql`${ident(schema)}.${ident(table)}`;

/** Fresh, empty copies of the read-model tables (columns, defaults, constraints, indexes) in `schema`. */
export async function createSideTables(db: Executor, schema: string): Promise<void> {
  await db.execute(sql`drop schema if exists ${ident(schema)} cascade`);
  await db.execute(sql`create schema ${ident(schema)}`);
  for (const table of readModelTables) {
    await db.execute(
      sql`create table ${qualified(schema, table.name)} (like ${qualified('public', table.name)} including all)`,
    );
  }
}

export async function dropSideTables(db: Executor, schema: string): Promise<void> {
  await db.execute(sql`drop schema if exists ${ident(schema)} cascade`);
}

export async function analyzeSideTables(db: Executor, schema: string): Promise<void> {
  for (const table of readModelTables) await db.execute(sql`analyze ${qualified(schema, table.name)}`);
}

export interface TableComparison {
  table: string;
  live: number;
  rebuilt: number;
  /** Rows of the live model the rebuild does not have (as multisets, serial ids aside). */
  onlyLive: number;
  onlyRebuilt: number;
}

/** Live (public) and rebuilt models, table by table, compared row for row. */
export async function compareSideTables(db: Executor, schema: string): Promise<TableComparison[]> {
  const comparisons: TableComparison[] = [];
  for (const table of readModelTables) {
    const columns = sql.join(
      table.columns.map((c) => ident(c)),
      sql`, `,
    );
    const live = qualified('public', table.name);
    const rebuilt = qualified(schema, table.name);
    const [row] = await db.execute<{
      live: number;
      rebuilt: number;
      only_live: number;
      only_rebuilt: number;
    }>(sql`
      select
        (select count(*) from ${live})::int as live,
        (select count(*) from ${rebuilt})::int as rebuilt,
        (select count(*) from (select ${columns} from ${live} except all select ${columns} from ${rebuilt}) d)::int
          as only_live,
        (select count(*) from (select ${columns} from ${rebuilt} except all select ${columns} from ${live}) d)::int
          as only_rebuilt`);
    comparisons.push({
      table: table.name,
      live: Number(row?.live),
      rebuilt: Number(row?.rebuilt),
      onlyLive: Number(row?.only_live),
      onlyRebuilt: Number(row?.only_rebuilt),
    });
  }
  return comparisons;
}

/**
 * Inside the caller's transaction, which holds ACCESS EXCLUSIVE locks on the live tables: the live
 * tables leave `public`, the rebuilt ones take their place under the same index and constraint
 * names, serial sequences pass to the new tables, and the old tables are dropped. Readers waiting
 * on the locks then read the new tables; nobody sees a half-built model.
 */
export async function swapSideTables(tx: DbTransaction, schema: string): Promise<void> {
  const retired = `${schema}_retired`;
  await tx.execute(sql`drop schema if exists ${ident(retired)} cascade`);
  await tx.execute(sql`create schema ${ident(retired)}`);
  for (const table of readModelTables) {
    const sequences = await releaseSequences(tx, table.name);
    await tx.execute(sql`alter table ${qualified('public', table.name)} set schema ${ident(retired)}`);
    await tx.execute(sql`alter table ${qualified(schema, table.name)} set schema public`);
    await sequences.claim();
    await renameIndexesLike(tx, retired, table.name);
  }
  await tx.execute(sql`drop schema ${ident(retired)} cascade`);
  await tx.execute(sql`drop schema ${ident(schema)} cascade`);
}

/** Gives each index of public.`table` the name of the retired table's index with the same definition. */
async function renameIndexesLike(tx: DbTransaction, retired: string, table: string): Promise<void> {
  const pairs = await tx.execute<{ current: string; wanted: string }>(sql`
    with defs as (
      select i.indrelid, c.relname as name,
        regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', '\\1') as def
      from pg_index i join pg_class c on c.oid = i.indexrelid
    )
    select n.name as current, o.name as wanted
    from defs n join defs o on o.def = n.def
    where n.indrelid = ${`public.${table}`}::regclass
      and o.indrelid = ${`${retired}.${table}`}::regclass
      and n.name <> o.name`);
  // two steps, so a wanted name still held by another new index never collides
  for (const [index, pair] of pairs.entries()) {
    await tx.execute(
      sql`alter index ${qualified('public', pair.current)} rename to ${ident(`gx_swap_${index}_${pair.wanted}`.slice(0, 63))}`,
    );
  }
  for (const [index, pair] of pairs.entries()) {
    await tx.execute(
      sql`alter index ${qualified('public', `gx_swap_${index}_${pair.wanted}`.slice(0, 63))} rename to ${ident(pair.wanted)}`,
    );
  }
}

/**
 * A serial column's sequence is owned by the live table and would move (and be dropped) with it:
 * released first, it stays in `public`; `claim` gives it to the new table once that is in place.
 */
async function releaseSequences(tx: DbTransaction, table: string) {
  const owned = await tx.execute<{ column: string; sequence: string }>(sql`
    select a.attname as column, pg_get_serial_sequence(${`public.${table}`}, a.attname) as sequence
    from pg_attribute a
    where a.attrelid = ${`public.${table}`}::regclass and a.attnum > 0 and not a.attisdropped
      and pg_get_serial_sequence(${`public.${table}`}, a.attname) is not null`);
  for (const { sequence } of owned) await tx.execute(sql`alter sequence ${sql.raw(sequence)} owned by none`);
  return {
    async claim() {
      for (const { column, sequence } of owned) {
        await tx.execute(
          sql`alter sequence ${sql.raw(sequence)} owned by ${qualified('public', table)}.${ident(column)}`,
        );
      }
    },
  };
}
