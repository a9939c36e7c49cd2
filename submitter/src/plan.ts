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
}

/**
 * Chooses which candidates to send now and how to pack them into transactions:
 * - per aggregate, only the commands older than any of its commands in flight elsewhere, in `seq`
 *   order (an earlier command claimed or backing off holds the rest back);
 * - never a key that a transaction in flight touches;
 * - commands that share a key go into one transaction, in order, where the chaincode's overlay
 *   orders them (two transactions in flight on one key would fail with an MVCC conflict);
 * - the backlog spread over the free slots: one command per transaction when few are waiting,
 *   growing to `maxBatch` as the queue grows.
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
  return batches.filter((b) => b.length > 0);
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
