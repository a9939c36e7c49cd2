import { type Database, type DbTransaction, projectorCheckpoints } from '@gx/db';
import { arrivedTogether, genesis, type Ledger } from '@gx/fabric';
import type { Logger } from '@gx/runtime';
import { eq, sql } from 'drizzle-orm';
import {
  describe,
  holdCheckpoint,
  liveCheckpoint,
  type Position,
  readCheckpoint,
  samePosition,
} from '../checkpoint.js';
import { transactionGroups } from '../groups.js';
import { projectEvents } from '../project.js';
import { type UnpackedEvent, weight } from '../unpack.js';
import {
  analyzeSideTables,
  compareSideTables,
  createSideTables,
  dropSideTables,
  swapSideTables,
  type TableComparison,
} from './sideTables.js';

/** The rebuild's own checkpoint row and side schema. */
export const rebuildCheckpoint = 'rebuild';
export const rebuildSchema = 'gx_rebuild';
const rebuildLockName = 'gx:projector:rebuild';

export interface RebuildProgress {
  phase: 'replaying' | 'swapping' | 'done';
  blockNumber: bigint;
  /** The ledger's height (blocks), as last read. */
  height: bigint;
  /** The live projection's checkpoint block: where the rebuild must arrive. */
  targetBlock: bigint;
  events: number;
  eventsPerSecond: number;
  /** Estimated, from the block rate so far; undefined until there is one. */
  secondsLeft: number | undefined;
}

export interface RebuildOptions {
  database: Database;
  ledger: Ledger;
  logger: Logger;
  /** Domain events per replay transaction (whole blocks where possible). */
  maxGroupEvents?: number;
  onProgress?: (progress: RebuildProgress) => void;
  progressIntervalMs?: number;
  /** false: replay and compare only, leaving the live models in place. */
  swap?: boolean;
}

export interface RebuildResult {
  /** Where both the rebuilt and the live models stood when compared (the live checkpoint). */
  position: Position;
  events: number;
  seconds: number;
  comparison: TableComparison[];
  /** The rebuilt models equal the live ones row for row. */
  identical: boolean;
  swapped: boolean;
}

export class RebuildError extends Error {
  override name = 'RebuildError';
}

/**
 * Replays the ledger from block 0 into fresh read-model tables beside the live ones, chasing the
 * live projector's checkpoint; then, in one transaction that holds the live checkpoint row (the live
 * projector waits) and the live tables, replays the last few events, compares the two models row by
 * row and swaps the rebuilt tables in. Readers see the old model, then the new one, never a half-built one.
 * Command statuses, freed e-mails and projection_errors are the live projector's: the rebuild
 * writes only read models.
 */
export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { database, ledger, logger } = options;
  const { db, sql: client } = database;
  const maxGroupEvents = options.maxGroupEvents ?? 2_000;
  const started = performance.now();

  const session = await client.reserve();
  let locked = false;
  try {
    const [lock] = await session<{ acquired: boolean }[]>`
      select pg_try_advisory_lock(hashtextextended(${rebuildLockName}, 0)) as acquired`;
    if (!lock?.acquired) throw new RebuildError('another rebuild is running');
    locked = true;

    await createSideTables(db, rebuildSchema);
    await db.delete(projectorCheckpoints).where(eq(projectorCheckpoints.name, rebuildCheckpoint));
    let position = await readCheckpoint(db, rebuildCheckpoint);
    let events = 0;
    let height = await ledger.chainHeight().catch(() => 0n);
    let target = await readCheckpoint(db, liveCheckpoint);

    const stream = ledger.events(genesis);
    const arrivals = transactionGroups(arrivedTogether(stream), maxGroupEvents)[Symbol.asyncIterator]();
    let buffer: UnpackedEvent[] = [];

    /** The next events up to and including `through` (at most about `maxGroupEvents`). */
    const take = async (through: Position): Promise<UnpackedEvent[]> => {
      const chunk: UnpackedEvent[] = [];
      let chunkWeight = 0;
      while (chunkWeight < maxGroupEvents) {
        if (buffer.length === 0) {
          if (chunk.length > 0) break;
          const next = await arrivals.next();
          if (next.done) throw new RebuildError('the ledger event stream ended');
          buffer = next.value;
        }
        const event = buffer[0]!;
        if (event.blockNumber > through.blockNumber) {
          if (chunk.length === 0) {
            throw new RebuildError(
              `the live checkpoint (${describe(through)}) is not an event of this ledger: the replay passed it`,
            );
          }
          break;
        }
        buffer.shift();
        chunk.push(event);
        chunkWeight += weight(event);
        if (event.blockNumber === through.blockNumber && event.transactionId === through.transactionId) break;
      }
      return chunk;
    };

    const replay = async (tx: DbTransaction, chunk: UnpackedEvent[]) => {
      const [current] = await tx.execute<{ search_path: string }>(sql`show search_path`);
      await tx.execute(sql`select set_config('search_path', ${`${rebuildSchema}, public`}, true)`);
      const outcome = await projectEvents(tx, chunk, {
        checkpoint: rebuildCheckpoint,
        from: position,
        mode: 'rebuild',
        logger,
      });
      await tx.execute(sql`select set_config('search_path', ${current?.search_path ?? 'public'}, true)`);
      position = outcome.to;
      events += outcome.applied + outcome.rejected + outcome.invalid;
    };

    let lastReport = 0;
    const report = (phase: RebuildProgress['phase']) => {
      const now = performance.now();
      if (phase === 'replaying' && now - lastReport < (options.progressIntervalMs ?? 1_000)) return;
      lastReport = now;
      const seconds = (now - started) / 1000;
      const blockRate = seconds > 0 ? Number(position.blockNumber) / seconds : 0;
      const remaining = Number(target.blockNumber - position.blockNumber);
      options.onProgress?.({
        phase,
        blockNumber: position.blockNumber,
        height,
        targetBlock: target.blockNumber,
        events,
        eventsPerSecond: seconds > 0 ? events / seconds : 0,
        secondsLeft: blockRate > 0 ? Math.max(0, remaining) / blockRate : undefined,
      });
    };
    const heightTimer = setInterval(() => {
      ledger.chainHeight().then(
        (h) => {
          height = h;
        },
        () => {},
      );
    }, 2_000);
    heightTimer.unref();

    try {
      // chase the live checkpoint, one transaction per chunk, without holding anything the live projector needs
      for (;;) {
        target = await readCheckpoint(db, liveCheckpoint);
        if (samePosition(position, target)) break;
        if (position.blockNumber > target.blockNumber) {
          throw new RebuildError(`the live checkpoint (${describe(target)}) is behind the rebuild`);
        }
        const chunk = await take(target);
        await db.transaction((tx) => replay(tx, chunk));
        report('replaying');
      }
      await analyzeSideTables(db, rebuildSchema);

      report('swapping');
      const swap = options.swap ?? true;
      const comparison = await db.transaction(async (tx) => {
        // hold the live checkpoint (the live projector waits at its next block), then the live tables
        target = await holdCheckpoint(tx, liveCheckpoint);
        await tx.execute(
          sql`lock table user_profiles, wallets, kyc_verifications, transactions in access exclusive mode`,
        );
        while (!samePosition(position, target)) await replay(tx, await take(target));
        const compared = await compareSideTables(tx, rebuildSchema);
        if (swap) await swapSideTables(tx, rebuildSchema);
        await tx.delete(projectorCheckpoints).where(eq(projectorCheckpoints.name, rebuildCheckpoint));
        return compared;
      });
      if (!swap) await dropSideTables(db, rebuildSchema);
      report('done');
      const identical = comparison.every((c) => c.onlyLive === 0 && c.onlyRebuilt === 0);
      return {
        position,
        events,
        seconds: (performance.now() - started) / 1000,
        comparison,
        identical,
        swapped: swap,
      };
    } finally {
      clearInterval(heightTimer);
      stream.close();
    }
  } catch (error) {
    if (locked) {
      await dropSideTables(db, rebuildSchema).catch(() => {});
      await db
        .delete(projectorCheckpoints)
        .where(eq(projectorCheckpoints.name, rebuildCheckpoint))
        .catch(() => {});
    }
    throw error;
  } finally {
    if (locked)
      await session`select pg_advisory_unlock(hashtextextended(${rebuildLockName}, 0))`.catch(() => {});
    session.release();
  }
}
