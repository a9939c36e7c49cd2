import { randomBytes } from 'node:crypto';
import { commands, type Db } from '@gx/db';
import { liveCheckpoint, projectEvents, readCheckpoint, type UnpackedEvent } from '@gx/projector';
import type { Logger } from '@gx/runtime';
import {
  batchEventName,
  type CommandPayload,
  type CommandType,
  type DomainEvent,
  toLedgerArgs,
} from '@gx/schema';
import { inArray } from 'drizzle-orm';

/** The identity commands whose chaincode event is their ledger arguments (a transfer's also carries balances). */
const eventNames = {
  REGISTER: 'UserCreated',
  UPDATE_PROFILE: 'ProfileUpdated',
  SUBMIT_KYC: 'KycSubmitted',
  REVIEW_KYC: 'KycReviewed',
} as const satisfies Partial<Record<CommandType, DomainEvent['name']>>;

export interface ProjectedBlock {
  /** `performance.now()` as the transaction's COMMIT was sent: from then on its NOTIFY can be delivered. */
  commitSentAt: number;
  /** `performance.now()` once the COMMIT was acknowledged. */
  committedAt: number;
}

/**
 * Plays the ledger for the projector: one block holding the events the chaincode sets for these
 * accepted commands (one `CommandsApplied` batch), projected by the projector's own transaction
 * (`projectEvents`: read models, PROJECTED statuses, checkpoint, and one `gx_command` NOTIFY that
 * Postgres delivers at commit). So the api's fan-out can be timed from a known commit, without
 * devnet and the submitter sharing the machine.
 */
export async function projectBlock(
  db: Db,
  commandIds: readonly string[],
  logger: Logger,
): Promise<ProjectedBlock> {
  const rows = await db
    .select({ id: commands.id, type: commands.type, payload: commands.payload })
    .from(commands)
    .where(inArray(commands.id, [...commandIds]))
    .orderBy(commands.seq);
  const from = await readCheckpoint(db, liveCheckpoint);
  const block: UnpackedEvent = {
    blockNumber: from.blockNumber + 1n,
    transactionId: randomBytes(32).toString('hex'),
    eventName: batchEventName,
    work: rows.map((row) => {
      const type = row.type as keyof typeof eventNames;
      if (!(type in eventNames)) throw new Error(`projectBlock cannot play a ${row.type} command`);
      const args = toLedgerArgs(type, row.payload as CommandPayload<typeof type>);
      const event = { name: eventNames[type], payload: { commandId: row.id, ...args } } as DomainEvent;
      return { kind: 'apply', commandId: row.id, event };
    }),
  };
  let commitSentAt = 0;
  await db.transaction(async (tx) => {
    await projectEvents(tx, [block], { checkpoint: liveCheckpoint, from, mode: 'live', logger });
    commitSentAt = performance.now();
  });
  return { commitSentAt, committedAt: performance.now() };
}
