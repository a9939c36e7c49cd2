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

export interface PlanInput {
  /** Due, unclaimed commands in `seq` order. */
  candidates: readonly ClaimedCommand[];
  /** Per aggregate of the candidates: the `seq` of every command still in flight, ascending. */
  inFlightSeqs: ReadonlyMap<string, readonly bigint[]>;
  /** Keys touched by transactions in flight right now (any worker). */
  busyKeys: ReadonlySet<string>;
  /** Fabric transactions this worker may still start. */
  freeSlots: number;
  /** Commands per Fabric transaction at most. */
  maxBatch: number;
}

/**
 * Chooses which candidates to send now and how to pack them into transactions:
 * - per aggregate, only a run of commands that starts at its oldest command in flight, in `seq`
 *   order (an earlier command still waiting elsewhere holds the rest back);
 * - never a key that a transaction in flight touches;
 * - commands that share a key go into one transaction, in order, where the chaincode's overlay
 *   orders them (two transactions in flight on one key would fail with an MVCC conflict);
 * - the backlog spread over the free slots: one command per transaction when few are waiting,
 *   growing to `maxBatch` as the queue grows.
 * Pure: the claim query feeds it and claims what it returns.
 */
export function planBatches(input: PlanInput): ClaimedCommand[][] {
  const eligible = inAggregateOrder(input);
  if (eligible.length === 0 || input.freeSlots <= 0) return [];
  const target = Math.min(input.maxBatch, Math.max(1, Math.ceil(eligible.length / input.freeSlots)));

  const batches: ClaimedCommand[][] = [];
  const batchOfKey = new Map<string, ClaimedCommand[]>();
  const held = new Set<string>();

  for (const command of eligible) {
    const keys = [command.aggregateId, ...command.touches];
    // Once one command of an aggregate waits, the later ones wait too, to keep its order.
    if (held.has(command.aggregateId) || keys.some((k) => input.busyKeys.has(k))) {
      held.add(command.aggregateId);
      continue;
    }
    const sharing = [...new Set(keys.map((k) => batchOfKey.get(k)).filter((b) => b !== undefined))];
    let batch: ClaimedCommand[] | undefined;
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
function inAggregateOrder(input: PlanInput): ClaimedCommand[] {
  const byAggregate = new Map<string, ClaimedCommand[]>();
  for (const command of input.candidates) {
    const list = byAggregate.get(command.aggregateId) ?? [];
    list.push(command);
    byAggregate.set(command.aggregateId, list);
  }
  const allowed = new Set<string>();
  for (const [aggregateId, commands] of byAggregate) {
    const inFlight = input.inFlightSeqs.get(aggregateId) ?? [];
    // The run of candidates that matches the aggregate's in-flight commands from the oldest on.
    for (let i = 0; i < commands.length && inFlight[i] === commands[i]!.seq; i += 1) {
      allowed.add(commands[i]!.id);
    }
  }
  return input.candidates.filter((c) => allowed.has(c.id));
}
