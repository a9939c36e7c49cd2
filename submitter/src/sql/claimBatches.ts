import { Pipeline, type Sql, uuidArray } from '@gx/db';
import type { CommandStatus, CommandType } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type ClaimedCommand, planBatches } from '../plan.js';
import { millis } from './executor.js';

/** Serialises claims across workers, so two never pick the same key in the same instant. */
const claimLockKey = 0x67785f636c61696dn;

export interface ClaimSettings {
  workerId: string;
  leaseMs: number;
  freeSlots: number;
  maxBatch: number;
}

interface CandidateRow {
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
  /** Timestamps arrive as text (drizzle sets the pool's parsers). */
  createdAt: string;
  /** Seqs of the aggregate's commands still in flight, up to the last candidate's. */
  aggregateInFlight: string[];
}

/**
 * Claims the commands to send now, packed into transactions (see `planBatches`), and marks them
 * with this worker's id and a lease. Due commands are those waiting (ACCEPTED), due again
 * (RETRYING), or SUBMITTED and unattended (`releaseStaleLeases` hands back the claims of dead
 * workers).
 *
 * On an idle system this is the wake path, so it costs two round trips on one connection, with
 * statements prepared once: BEGIN, the lock and both reads together (PostgreSQL runs them in the
 * order sent, the lock first), then the UPDATE with COMMIT. The in-flight statuses are spelled out
 * (they are `inFlightStatuses`) because a prepared statement's generic plan can use the partial
 * indexes only for a literal list.
 */
export async function claimBatches(pool: Sql, settings: ClaimSettings): Promise<ClaimedCommand[][]> {
  const { workerId, leaseMs, freeSlots, maxBatch } = settings;
  if (freeSlots <= 0) return [];
  return Pipeline.run(pool, async (tx) => {
    const prepare = { prepare: true };
    const [, , candidates, busy] = await Promise.all([
      tx.begin(),
      tx.execute(sql`select pg_advisory_xact_lock(${claimLockKey.toString()}::bigint)`, prepare),
      // Each candidate comes with the in-flight seqs of its aggregate (itself included), which
      // `planBatches` needs to keep a command behind an earlier one of its aggregate.
      tx.execute<CandidateRow>(
        sql`
        with candidates as materialized (
          select id, seq, type, status, aggregate_id, touches, payload, attempts,
                 ledger_tx_id, correlation_id, created_at
            from commands
           where status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
             and locked_by is null
             and next_attempt_at <= now()
           order by seq
           limit ${Math.min(freeSlots * maxBatch * 2, 5_000)}
             for update skip locked
        ), in_flight as (
          -- per aggregate, so each is one probe of the (aggregate_id, seq) index however long the queue
          select a.aggregate_id, f.seqs
            from (select distinct aggregate_id from candidates) a
            cross join lateral (
              select array_agg(seq order by seq) as seqs
                from commands
               where aggregate_id = a.aggregate_id
                 and status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
                 and seq <= (select max(seq) from candidates)
            ) f
        )
        select c.id, c.seq, c.type, c.status, c.aggregate_id as "aggregateId", c.touches, c.payload,
               c.attempts, c.ledger_tx_id as "ledgerTxId", c.correlation_id as "correlationId",
               c.created_at as "createdAt", coalesce(f.seqs, '{}') as "aggregateInFlight"
          from candidates c left join in_flight f using (aggregate_id)
         order by c.seq`,
        prepare,
      ),
      tx.execute<{ aggregateId: string; touches: string[] }>(
        sql`
        select aggregate_id as "aggregateId", touches
          from commands
         where locked_by is not null
           and locked_at > now() - ${millis(leaseMs)}
           and status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')`,
        prepare,
      ),
    ]);
    if (candidates.length === 0) {
      await tx.commit();
      return [];
    }

    const inFlightSeqs = new Map<string, bigint[]>();
    for (const row of candidates) {
      if (!inFlightSeqs.has(row.aggregateId))
        inFlightSeqs.set(row.aggregateId, row.aggregateInFlight.map(BigInt));
    }
    const batches = planBatches({
      candidates: candidates.map(({ aggregateInFlight: _, ...row }) => ({
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
    await Promise.all([
      ids.length > 0
        ? tx.execute(
            sql`
            update commands set locked_by = ${workerId}, locked_at = now(), claimed_at = clock_timestamp(), updated_at = now()
             where id = any(${uuidArray(ids)}::uuid[])`,
            prepare,
          )
        : undefined,
      tx.commit(),
    ]);
    return batches;
  });
}
