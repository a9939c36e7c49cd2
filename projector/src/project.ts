import { type DbTransaction, notifyCommands } from '@gx/db';
import type { Logger } from '@gx/runtime';
import { advanceCheckpoint, type Position } from './checkpoint.js';
import { addKeys, applyEvent } from './handlers/index.js';
import { type ReadModelKeys, ReadModelTransaction } from './model/readModelTransaction.js';
import { freeEmails } from './sql/freeEmails.js';
import { loadGroup } from './sql/loadGroup.js';
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
 * behind): move the checkpoint (compare-and-set, which also locks it), load the command rows and the
 * read-model rows the events touch, apply each domain event in ledger order, write the changed rows
 * back, finish the commands, quarantine what failed validation, and one `gx_command` NOTIFY naming
 * the commands it moved (delivered at commit).
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
  // The checkpoint first: the compare-and-set also locks its row, so a stale projector stops here,
  // and a rebuild's swap (which holds the row) is waited for before any read model is touched (the
  // other order would have the two wait for each other). It commits with everything below, or not at all.
  const to: Position = { blockNumber: last.blockNumber, transactionId: last.transactionId };
  await advanceCheckpoint(tx, checkpoint, from, to);
  // one statement at a time: measured faster here than pipelining them on the connection
  const loaded = await loadGroup(tx, [...ids], [...keys.profiles], [...keys.wallets]);
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

  await models.save(tx);
  let projected: MovedCommand[] = [];
  let rejectedIds: string[] = [];
  if (mode === 'live') {
    projected = await markProjected(tx, applied);
    rejectedIds = await markRejected(tx, rejected);
    await freeEmails(
      tx,
      rejected.map((r) => r.id),
    );
    await recordProjectionErrors(tx, quarantined);
  }
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
