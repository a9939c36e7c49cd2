import type { CommandStatus, CommandType } from '@gx/schema';

/** A command row as the submitter claims it. */
export interface ClaimedCommand {
  id: string;
  seq: bigint;
  type: CommandType;
  status: CommandStatus;
  aggregateId: string;
  touches: string[];
  payload: unknown;
  attempts: number;
  ledgerTxId: string | null;
  correlationId: string;
  createdAt: Date;
}

/** What the plan needs of a candidate: its order and its keys. */
export type PlanCandidate = Pick<ClaimedCommand, 'id' | 'seq' | 'aggregateId' | 'touches'>;

export interface PlanInput<C extends PlanCandidate = ClaimedCommand> {
  /** Due, unclaimed commands in `seq` order. */
  candidates: readonly C[];
  /**
   * Per aggregate: the `seq` of its oldest command in flight that is not a candidate (claimed by a
   * worker, or waiting out a retry's backoff). Its candidates from that `seq` on wait behind it.
   */
  blockedFrom: ReadonlyMap<string, bigint>;
  /** Keys touched by transactions in flight right now (any worker). */
  busyKeys: ReadonlySet<string>;
  /** Fabric transactions this worker may still start. */
  freeSlots: number;
  /** Commands per Fabric transaction at most. */
  maxBatch: number;
  /** This worker's transactions in flight: the commit of any of them brings another claim. */
  transactionsInFlight: number;
}

/**
 * Below this share of `maxBatch`, a batch that could wait for a better one does (see `planBatches`).
 * A transaction costs about 3 ms of CPU whatever it carries (endorsement, signature, record,
 * commit; the batch-size-1 drain's client, peer and database together) against about 0.45 ms a
 * command in a full batch.
 */
const smallBatchShare = 0.1;

/**
 * Chooses which candidates to send now and how to pack them into transactions:
 * - per aggregate, only the commands older than any of its commands in flight elsewhere, in `seq`
 *   order (an earlier command claimed or backing off holds the rest back);
 * - never a key that a transaction in flight touches;
 * - commands that share a key go into one transaction, in order, where the chaincode's overlay
 *   orders them (two transactions in flight on one key would fail with an MVCC conflict);
 * - the backlog spread over the free slots: one command per transaction when few are waiting,
 *   growing to `maxBatch` as the queue grows;
 * - behind a backlog of at least `maxBatch` commands, while a transaction of this worker is in
 *   flight, no batch of fewer than a tenth of `maxBatch`: it waits for the claim that the commit
 *   brings, when the keys that transaction frees let more commands join it. (With nearly every
 *   key of a drain busy, the claims between two commits sent batches of one to four commands: 8 %
 *   of a batched drain's transactions carried 0.4 % of its commands.)
 * Pure: the claim query feeds it and claims what it returns.
 */
export function planBatches<C extends PlanCandidate>(input: PlanInput<C>): C[][] {
  const eligible = inAggregateOrder(input);
  if (eligible.length === 0 || input.freeSlots <= 0) return [];
  const target = Math.min(input.maxBatch, Math.max(1, Math.ceil(eligible.length / input.freeSlots)));

  const batches: C[][] = [];
  const batchOfKey = new Map<string, C[]>();
  const held = new Set<string>();

  for (const command of eligible) {
    const keys = [command.aggregateId, ...command.touches];
    // Once one command of an aggregate waits, the later ones wait too, to keep its order.
    if (held.has(command.aggregateId) || keys.some((k) => input.busyKeys.has(k))) {
      held.add(command.aggregateId);
      continue;
    }
    const sharing = [...new Set(keys.map((k) => batchOfKey.get(k)).filter((b) => b !== undefined))];
    let batch: C[] | undefined;
    if (sharing.length === 1) {
      if (sharing[0]!.length < input.maxBatch) batch = sharing[0];
    } else if (sharing.length === 0) {
      const open = batches.at(-1);
      if (open && open.length < target) batch = open;
      else if (batches.length < input.freeSlots) {
        batch = [];
        batches.push(batch);
      }
    }
    if (!batch) {
      // It would join two transactions, or no room is left: it waits for the next round.
      held.add(command.aggregateId);
      continue;
    }
    batch.push(command);
    for (const key of keys) batchOfKey.set(key, batch);
  }
  // A batch holds every candidate of its keys (a later command of one of them joins it or waits),
  // so one left out keeps every aggregate's order.
  const canWait = input.transactionsInFlight > 0 && eligible.length >= input.maxBatch;
  const smallest = canWait ? Math.ceil(input.maxBatch * smallBatchShare) : 1;
  return batches.filter((b) => b.length >= smallest);
}

/** The candidates that may go now without overtaking an earlier command of their aggregate. */
function inAggregateOrder<C extends PlanCandidate>(input: PlanInput<C>): C[] {
  // Candidates are the oldest due commands in `seq` order, so every command of an aggregate older
  // than a candidate is either a candidate itself or one that `blockedFrom` names.
  return input.candidates.filter((c) => {
    const blocked = input.blockedFrom.get(c.aggregateId);
    return blocked === undefined || c.seq < blocked;
  });
}
