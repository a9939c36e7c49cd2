import { Pipeline, prepared } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { sql } from 'drizzle-orm';
import { advanceCheckpoint, type Position } from './checkpoint.js';
import { addKeys, applyEvent } from './handlers/index.js';
import { type ReadModelKeys, ReadModelTransaction } from './model/readModelTransaction.js';
import { type FinishedCommands, finishCommands, type MovedCommand } from './sql/finishCommands.js';
import { loadGroup } from './sql/loadGroup.js';
import { type QuarantinedEvent, recordProjectionErrors } from './sql/recordProjectionErrors.js';
import type { Statements } from './sql/statements.js';
import type { UnpackedEvent } from './unpack.js';

export interface ProjectOptions {
  /** The checkpoint row this projection moves. */
  checkpoint: string;
  /** Where it stands before these events. */
  from: Position;
  /**
   * `live` also finishes the commands (statuses, freed e-mails), quarantines invalid events and
   * notifies; `rebuild` only writes read models (into the tables the search path finds first).
   */
  mode: 'live' | 'rebuild';
  logger: Logger;
}

export interface ProjectionOutcome {
  /** The checkpoint after these events: the last event's block and transaction. */
  to: Position;
  /** Domain events applied, refusals recorded, events quarantined. */
  applied: number;
  rejected: number;
  invalid: number;
  /** Commands this transaction moved to PROJECTED (with times, for the stage metric). */
  projected: MovedCommand[];
  /** Commands this transaction moved to REJECTED. */
  rejectedIds: string[];
}

/**
 * Everything one database transaction does for a group of events (one block, or several while
 * behind): move the checkpoint (compare-and-set, which also locks it), load the command rows and the
 * read-model rows the events touch, apply each domain event in ledger order, write the changed rows
 * back, finish the commands, quarantine what failed validation, and one `gx_command` NOTIFY naming
 * the commands it moved (delivered at commit).
 *
 * On a `Pipeline` (a connection of its own) this call is the whole transaction, in two round trips:
 * BEGIN, the fence and the load go out together, then the writes and COMMIT (`Pipeline.run` rolls
 * back if it throws). Otherwise it runs inside the caller's transaction.
 */
export async function projectEvents(
  tx: Statements | Pipeline,
  events: readonly UnpackedEvent[],
  options: ProjectOptions,
): Promise<ProjectionOutcome> {
  const last = events.at(-1);
  if (!last) throw new Error('projectEvents needs at least one event');
  const { checkpoint, from, mode, logger } = options;

  const ids = new Set<string>();
  const keys: ReadModelKeys = { profiles: new Set(), wallets: new Set() };
  for (const event of events) {
    for (const work of event.work) {
      if (work.kind !== 'apply') continue;
      ids.add(work.commandId);
      addKeys(keys, work.event);
    }
  }
  // The checkpoint first: the compare-and-set also locks its row, so a stale projector stops here,
  // and a rebuild's swap (which holds the row) is waited for before any read model is touched (the
  // other order would have the two wait for each other). It commits with everything below, or not at all.
  // The load goes out behind it without waiting for its answer: PostgreSQL runs the two in order, so
  // the load still reads under the lock.
  const to: Position = { blockNumber: last.blockNumber, transactionId: last.transactionId };
  // The statements go out in the order they are issued below (a pipeline sends each at once, a
  // drizzle transaction as it is first awaited, in the same order).
  const opened = tx instanceof Pipeline ? openTransaction(tx) : undefined;
  const [, loaded] = await Promise.all([
    advanceCheckpoint(tx, checkpoint, from, to),
    loadGroup(tx, [...ids], [...keys.profiles], [...keys.wallets]),
    opened,
  ]);
  const rows = loaded.commands;
  const models = ReadModelTransaction.of(loaded);
  const now = new Date().toISOString();

  const applied: { id: string; block: bigint }[] = [];
  const rejected: { id: string; reason: string; block: bigint }[] = [];
  const quarantined: QuarantinedEvent[] = [];
  for (const event of events) {
    for (const work of event.work) {
      if (work.kind === 'apply') {
        const command = rows.get(work.commandId);
        if (!command) {
          logger.warn(
            {
              commandId: work.commandId,
              event: work.event.name,
              blockNumber: event.blockNumber.toString(),
              transactionId: event.transactionId,
            },
            'event of a command this database does not know: projected with empty personal fields',
          );
        }
        await applyEvent(
          {
            ...work.event,
            commandId: work.commandId,
            blockNumber: event.blockNumber,
            transactionId: event.transactionId,
            command,
            at: command?.createdAt ?? now,
          },
          models,
        );
        applied.push({ id: work.commandId, block: event.blockNumber });
      } else if (work.kind === 'reject') {
        rejected.push({ id: work.commandId, reason: work.reason, block: event.blockNumber });
      } else {
        quarantined.push({
          blockNumber: event.blockNumber,
          transactionId: event.transactionId,
          eventName: work.eventName,
          payload: work.payload,
          reason: work.reason,
        });
      }
    }
  }

  // The writes go out together, and COMMIT behind them: none needs another's answer, and the
  // notices are sent by the statement that moves the commands.
  const nothingFinished: FinishedCommands = { projected: [], rejected: [] };
  const [, finished] = await Promise.all([
    models.save(tx),
    mode === 'live' ? finishCommands(tx, applied, refusedOnly(rejected, applied)) : nothingFinished,
    mode === 'live' ? recordProjectionErrors(tx, quarantined) : undefined,
    tx instanceof Pipeline ? tx.commit() : undefined,
  ]);
  return {
    to,
    applied: applied.length,
    rejected: rejected.length,
    invalid: quarantined.length,
    projected: finished.projected,
    rejectedIds: finished.rejected,
  };
}

/**
 * Refusals of commands that were not also applied in the same group. Applied first, a command
 * would be PROJECTED, which the projector never moves to REJECTED; one statement cannot update a
 * row twice, so the refusal is dropped here instead.
 */
function refusedOnly<R extends { id: string }>(
  refused: readonly R[],
  applied: readonly { id: string }[],
): R[] {
  if (refused.length === 0) return [];
  const appliedIds = new Set(applied.map((a) => a.id));
  return refused.filter((r) => !appliedIds.has(r.id));
}

/**
 * Opens the transaction on a pipeline (the live projector's). Its commit does not wait for the WAL
 * to reach disk: the read models, statuses and checkpoint commit together or not at all, and can be
 * replayed from the ledger, so a database crash that loses the last few commits (at most about
 * 3 × `wal_writer_delay`) only has the projector project those blocks again from the checkpoint it
 * finds.
 */
function openTransaction(pipeline: Pipeline): Promise<unknown> {
  return Promise.all([
    pipeline.begin(),
    pipeline.execute(sql`select set_config('synchronous_commit', 'off', true)`, prepared),
  ]);
}
