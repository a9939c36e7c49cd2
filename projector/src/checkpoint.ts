import { type Db, type DbTransaction, projectorCheckpoints } from '@gx/db';
import type { LedgerCheckpoint } from '@gx/fabric';
import { eq, sql } from 'drizzle-orm';
import { rows, type Statements } from './sql/statements.js';

/** Where a projection stands: the last block applied and the last of our transactions in it. */
export interface Position {
  blockNumber: bigint;
  transactionId: string | undefined;
}

export const beginning: Position = { blockNumber: 0n, transactionId: undefined };

/** The live projection's checkpoint row; a rebuild keeps its own. */
export const liveCheckpoint = 'main';

/** The checkpoint is not where this writer left it: another projector moved it (this one is stale). */
export class CheckpointMovedError extends Error {
  override name = 'CheckpointMovedError';
  constructor(
    readonly checkpoint: string,
    readonly expected: Position,
    readonly found: Position | undefined,
  ) {
    super(
      `checkpoint ${checkpoint} is at ${found ? describe(found) : 'nowhere'}, not at ${describe(expected)}: another projector moved it`,
    );
  }
}

export function describe(position: Position): string {
  return `block ${position.blockNumber}${position.transactionId ? ` after ${position.transactionId}` : ''}`;
}

export function samePosition(a: Position, b: Position): boolean {
  return a.blockNumber === b.blockNumber && (a.transactionId ?? null) === (b.transactionId ?? null);
}

export function toLedgerCheckpoint(position: Position): LedgerCheckpoint {
  return position.transactionId === undefined
    ? { blockNumber: position.blockNumber }
    : { blockNumber: position.blockNumber, transactionId: position.transactionId };
}

type Executor = Db | DbTransaction;

const toPosition = (row: { blockNumber: bigint; txId: string | null }): Position => ({
  blockNumber: row.blockNumber,
  transactionId: row.txId ?? undefined,
});

/** The checkpoint's position; a checkpoint that does not exist yet is created at the start of the ledger. */
export async function readCheckpoint(db: Executor, name: string): Promise<Position> {
  await db.insert(projectorCheckpoints).values({ name, blockNumber: 0n, txId: null }).onConflictDoNothing();
  const [row] = await db.select().from(projectorCheckpoints).where(eq(projectorCheckpoints.name, name));
  if (!row) throw new Error(`checkpoint ${name} vanished`);
  return toPosition(row);
}

/**
 * The checkpoint's position, or undefined when it does not exist; nothing is created. Plain SQL, so
 * the fence can read it on a `Pipeline` too.
 */
export async function findCheckpoint(db: Statements, name: string): Promise<Position | undefined> {
  const [row] = await rows<{ block_number: string; tx_id: string | null }>(
    db,
    sql`select block_number::text, tx_id from ${projectorCheckpoints} where name = ${name}`,
  );
  return row && toPosition({ blockNumber: BigInt(row.block_number), txId: row.tx_id });
}

/** Locks the checkpoint row (creating it at the beginning if needed) and returns where it stands. */
export async function holdCheckpoint(tx: DbTransaction, name: string): Promise<Position> {
  await tx.insert(projectorCheckpoints).values({ name, blockNumber: 0n, txId: null }).onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(projectorCheckpoints)
    .where(eq(projectorCheckpoints.name, name))
    .for('update');
  if (!row) throw new Error(`checkpoint ${name} vanished`);
  return toPosition(row);
}

/**
 * The fence, first statement of a projection transaction: moves the checkpoint from `from` to `to`
 * only if it is still at `from` (compare-and-set), so a stale leader can never move it; otherwise
 * throws `CheckpointMovedError` and the caller's transaction, read models included, rolls back. The
 * update locks the row until commit: a second projector, or a rebuild's swap, waits for this one.
 */
export async function advanceCheckpoint(
  tx: Statements,
  name: string,
  from: Position,
  to: Position,
): Promise<void> {
  const moved = await rows<{ name: string }>(
    tx,
    sql`
    update ${projectorCheckpoints}
    set block_number = ${to.blockNumber}, tx_id = ${to.transactionId ?? null}::text, updated_at = now()
    where name = ${name} and block_number = ${from.blockNumber}
      and tx_id is not distinct from ${from.transactionId ?? null}::text
    returning name`,
  );
  if (moved.length > 0) return;
  throw new CheckpointMovedError(name, from, await findCheckpoint(tx, name));
}
