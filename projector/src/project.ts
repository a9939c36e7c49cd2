import { type DbTransaction, notifyCommands } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { advanceCheckpoint, lockCheckpoint, type Position } from './checkpoint.js';
import { addKeys, applyEvent } from './handlers/index.js';
import { type ReadModelKeys, ReadModelTransaction } from './model/readModelTransaction.js';
import { freeEmails } from './sql/freeEmails.js';
import { loadCommands } from './sql/loadCommands.js';
import { type MovedCommand, markProjected } from './sql/markProjected.js';
import { markRejected } from './sql/markRejected.js';
import { type QuarantinedEvent, recordProjectionErrors } from './sql/recordProjectionErrors.js';
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
 * behind): lock and check the checkpoint, load the command rows and the read-model rows the events
 * touch, apply each domain event in ledger order, write the changed rows back, finish the commands, quarantine what failed validation, move the checkpoint (compare-and-set), and one
 * `gx_command` NOTIFY naming the commands it moved (delivered at commit).
 */
export async function projectEvents(
  tx: DbTransaction,
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
  // one round trip: the statements of each phase go out together (pipelined on the transaction's
  // connection); a failure in any aborts the transaction and rejects the phase
  const [, rows, models] = await Promise.all([
    lockCheckpoint(tx, checkpoint, from),
    loadCommands(tx, [...ids]),
    ReadModelTransaction.load(tx, keys),
  ]);
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

  const to: Position = { blockNumber: last.blockNumber, transactionId: last.transactionId };
  const [projected, rejectedIds] = await Promise.all([
    mode === 'live' ? markProjected(tx, applied) : [],
    mode === 'live' ? markRejected(tx, rejected) : [],
    mode === 'live'
      ? freeEmails(
          tx,
          rejected.map((r) => r.id),
        )
      : undefined,
    mode === 'live' ? recordProjectionErrors(tx, quarantined) : undefined,
    models.save(tx),
    advanceCheckpoint(tx, checkpoint, from, to),
  ]);
  if (mode === 'live') await notifyCommands(tx, [...projected.map((p) => p.id), ...rejectedIds]);
  return {
    to,
    applied: applied.length,
    rejected: rejected.length,
    invalid: quarantined.length,
    projected,
    rejectedIds,
  };
}
