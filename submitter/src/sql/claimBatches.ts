import { type CommandStatus, type CommandType, inFlightStatuses } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type ClaimedCommand, planBatches } from '../plan.js';
import { type Executor, list, millis } from './executor.js';

/** Serialises claims across workers, so two never pick the same key in the same instant. */
const claimLockKey = 0x67785f636c61696dn;

export interface ClaimSettings {
  workerId: string;
  leaseMs: number;
  freeSlots: number;
  maxBatch: number;
}

interface CandidateRow extends Record<string, unknown> {
  id: string;
  seq: string;
  type: CommandType;
  status: CommandStatus;
  aggregateId: string;
  touches: string[];
  payload: unknown;
  attempts: number;
  ledgerTxId: string | null;
  correlationId: string;
  /** Timestamps arrive as text through drizzle's execute. */
  createdAt: string;
}

/**
 * Claims the commands to send now, packed into transactions (see `planBatches`), and marks them
 * with this worker's id and a lease. Due commands are those waiting (ACCEPTED), due again
 * (RETRYING), or SUBMITTED and unattended (`releaseStaleLeases` hands back the claims of dead
 * workers).
 */
export async function claimBatches(db: Executor, settings: ClaimSettings): Promise<ClaimedCommand[][]> {
  const { workerId, leaseMs, freeSlots, maxBatch } = settings;
  if (freeSlots <= 0) return [];
  return db.transaction(async (tx) => {
    // Sent together (postgres.js pipelines a transaction's statements; the server runs them in
    // order, the lock first): the wake path costs round trips, not work.
    const [, candidates, busy] = await Promise.all([
      tx.execute(sql`select pg_advisory_xact_lock(${claimLockKey.toString()}::bigint)`),
      tx.execute<CandidateRow>(sql`
        select id, seq, type, status, aggregate_id as "aggregateId", touches, payload, attempts,
               ledger_tx_id as "ledgerTxId", correlation_id as "correlationId", created_at as "createdAt"
          from commands
         where status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
           and locked_by is null
           and next_attempt_at <= now()
         order by seq
         limit ${Math.min(freeSlots * maxBatch * 2, 5_000)}
           for update skip locked`),
      tx.execute<{ aggregateId: string; touches: string[] }>(sql`
        select aggregate_id as "aggregateId", touches
          from commands
         where locked_by is not null
           and locked_at > now() - ${millis(leaseMs)}
           and status in ${list(inFlightStatuses)}`),
    ]);
    if (candidates.length === 0) return [];

    const aggregates = [...new Set(candidates.map((c) => c.aggregateId))];
    const lastSeq = candidates.at(-1)!.seq;
    const inFlight = await tx.execute<{ aggregateId: string; seq: string }>(sql`
      select aggregate_id as "aggregateId", seq
        from commands
       where aggregate_id in ${list(aggregates)}
         and status in ${list(inFlightStatuses)}
         and seq <= ${lastSeq}
       order by seq`);

    const inFlightSeqs = new Map<string, bigint[]>();
    for (const row of inFlight) {
      const seqs = inFlightSeqs.get(row.aggregateId) ?? [];
      seqs.push(BigInt(row.seq));
      inFlightSeqs.set(row.aggregateId, seqs);
    }
    const batches = planBatches({
      candidates: candidates.map((row) => ({
        ...row,
        seq: BigInt(row.seq),
        createdAt: new Date(row.createdAt),
      })),
      inFlightSeqs,
      busyKeys: new Set(busy.flatMap((row) => [row.aggregateId, ...row.touches])),
      freeSlots,
      maxBatch,
    });
    const ids = batches.flat().map((c) => c.id);
    if (ids.length > 0) {
      await tx.execute(sql`
        update commands set locked_by = ${workerId}, locked_at = now(), claimed_at = clock_timestamp(), updated_at = now()
         where id in ${list(ids)}`);
    }
    return batches;
  });
}
