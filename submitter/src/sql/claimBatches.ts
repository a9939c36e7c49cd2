import { Pipeline, prepared, type Sql, uuidArray } from '@gx/db';
import type { CommandStatus, CommandType } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type ClaimedCommand, type PlanCandidate, planBatches } from '../plan.js';
import { lockById, millis } from './executor.js';

/** Serialises claims across workers, so two never pick the same key in the same instant. */
const claimLockKey = 0x67785f636c61696dn;

export interface ClaimSettings {
  workerId: string;
  leaseMs: number;
  freeSlots: number;
  /** This worker's transactions in flight (see `PlanInput`). */
  transactionsInFlight: number;
  maxBatch: number;
  /**
   * Commands this worker holds whose transaction the ledger has committed: they no longer hold
   * their keys or their aggregates' later commands back, though their outcomes are not written yet.
   */
  onLedger: ReadonlySet<string>;
  /** How long to wait for the claim's connection before giving up (`ReserveTimeoutError`). */
  reserveTimeoutMs: number;
}

/**
 * A row of the claim's read: a candidate (due and unclaimed; only what the plan needs), or a
 * command in flight that is not one (claimed, leased or not, or backing off).
 */
interface ClaimReadRow {
  candidate: boolean;
  id: string;
  seq: string;
  aggregateId: string;
  touches: string[];
  /** A blocker claimed under a lease still running: its transaction may be in flight now. */
  leased: boolean;
}

/** The rest of a claimed command, returned by the UPDATE that claims it. */
interface ClaimedRow {
  id: string;
  type: CommandType;
  status: CommandStatus;
  payload: unknown;
  attempts: number;
  ledgerTxId: string | null;
  correlationId: string;
  /** Timestamps arrive as text (drizzle sets the pool's parsers). */
  createdAt: string;
}

/**
 * For the claim's own transaction: an asynchronous commit (see `claimBatches`), and index scans,
 * not bitmap scans, which cannot mark the dead entries they pass: the indexes of in-flight
 * commands fill with entries of versions gone since, and only index scans clear them as they go.
 */
const transactionSettings = sql`select set_config('synchronous_commit', 'off', true), set_config('enable_bitmapscan', 'off', true)`;

/** Due and unclaimed: waiting (ACCEPTED), due again (RETRYING), or SUBMITTED and unattended. */
const dueAndUnclaimed = sql`status in ('ACCEPTED', 'SUBMITTED', 'RETRYING')
  and locked_by is null
  and next_attempt_at <= now()`;

/** A candidate as the plan reads it: its order and keys, no payload (see `claimRead`). */
const candidateColumns = sql`true as candidate, id, seq, aggregate_id as "aggregateId", touches, false as leased`;

/**
 * What the plan reads, in one statement, so all of it comes from one snapshot: the oldest due,
 * unclaimed commands (the candidates), and the commands in flight that are not candidates
 * (blockers: claimed, or backing off). Read by two statements, a command released between them
 * was in neither, and a later command of its aggregate could leave before it.
 *
 * Candidates carry only what the plan needs: the window holds many more commands than the plan
 * takes (parsing every payload in it cost the submitter more CPU than anything else in a batched
 * drain). They are not locked: claims are serialised by the advisory lock, and `claimUpdate` locks
 * the rows it takes. Each branch keeps its own plan on its own partial index; none joins another.
 */
const claimRead = (limit: number, leaseMs: number) => sql`
  (select ${candidateColumns} from commands where ${dueAndUnclaimed} order by seq limit ${limit})
  union all
  (select false, id, seq, aggregate_id, touches, locked_at > now() - ${millis(leaseMs)}
     from commands
    where locked_by is not null
      and status in ('ACCEPTED', 'SUBMITTED', 'RETRYING'))
  union all
  (select false, id, seq, aggregate_id, touches, false
     from commands
    where status = 'RETRYING'
      and locked_by is null
      and next_attempt_at > now())`;

/**
 * Due, unclaimed commands of the aggregates not in `blocked`: read only when the whole window
 * waited behind commands in flight (a long queue behind one backing off), so that the commands
 * of other aggregates behind it do not wait out its backoff too. Whole aggregates are left out,
 * so no later command of theirs can be taken without its elders.
 */
const candidatesPast = (limit: number, blocked: readonly string[]) => sql`
  select ${candidateColumns}
    from commands
   where ${dueAndUnclaimed}
     and aggregate_id <> all(${uuidArray(blocked)}::uuid[])
   order by seq
   limit ${limit}`;

/**
 * Takes the planned commands, all or none: locks them (skipping rows locked elsewhere), and if every
 * one is still due and unclaimed, marks them with this worker's id and a lease and returns what
 * sending them needs. If any of them could not be taken, it takes none, so a later command of an
 * aggregate never goes without an earlier one. (Locking the candidates as they were read locked the
 * whole window, about thirty times the commands claimed in a batched drain: a fifth of PostgreSQL's
 * time.) Found by id alone (`lockById`): as a search condition, "due" walked
 * `commands_claimable_idx` through the backlog.
 */
const claimUpdate = (workerId: string, ids: readonly string[]) => sql`
  with taken as materialized (${lockById(ids, dueAndUnclaimed, 'skip locked')}),
  complete as (select count(*) filter (where ok) = ${ids.length} as ok from taken)
  update commands c
     set locked_by = ${workerId}, locked_at = now(), claimed_at = clock_timestamp(), updated_at = now()
    from complete
   where complete.ok and c.id in (select id from taken)
  returning c.id, c.type, c.status, c.payload, c.attempts, c.ledger_tx_id as "ledgerTxId",
            c.correlation_id as "correlationId", c.created_at as "createdAt"`;

export interface Claim {
  /** The claimed commands, packed into transactions. */
  batches: ClaimedCommand[][];
  /** Due commands the claim read and left waiting (behind an elder, on a busy key, past the free slots). */
  leftWaiting: number;
}

/**
 * Claims the commands to send now, packed into transactions (see `planBatches`), and marks them
 * with this worker's id and a lease. Due commands: see `dueAndUnclaimed` (`releaseStaleLeases`
 * hands back the claims of dead workers).
 *
 * On an idle system this is the wake path, so it costs two round trips on one connection, with
 * statements prepared once: BEGIN, the lock and `claimRead` together (PostgreSQL runs them in the
 * order sent, the lock first), then `claimUpdate`, which returns the claimed commands' payloads,
 * with COMMIT. The in-flight statuses are spelled out (they are `inFlightStatuses`) because a
 * prepared statement's generic plan can use the partial indexes only for a literal list.
 *
 * The commit does not wait for its WAL flush: a claim lost in a crash only returns its commands
 * to the queue, and the submission record, committed durably before any send, flushes it first.
 */
export async function claimBatches(pool: Sql, settings: ClaimSettings): Promise<Claim> {
  if (settings.freeSlots <= 0) return { batches: [], leftWaiting: 0 };
  return Pipeline.run(pool, (tx) => claimOn(tx, settings), { reserveTimeoutMs: settings.reserveTimeoutMs });
}

async function claimOn(tx: Pipeline, settings: ClaimSettings): Promise<Claim> {
  const { workerId, leaseMs, freeSlots, maxBatch, transactionsInFlight } = settings;
  const window = candidateWindow(freeSlots, maxBatch);
  const [, , , read] = await Promise.all([
    tx.begin(),
    tx.execute(transactionSettings, prepared),
    tx.execute(sql`select pg_advisory_xact_lock(${claimLockKey.toString()}::bigint)`, prepared),
    tx.execute<ClaimReadRow>(claimRead(window, leaseMs), prepared),
  ]);
  const candidates = candidatesOf(read);
  if (candidates.length === 0) {
    await tx.commit();
    return { batches: [], leftWaiting: 0 };
  }

  const blockedFrom = new Map<string, bigint>();
  const busyKeys = new Set<string>();
  for (const row of read) {
    if (row.candidate || settings.onLedger.has(row.id)) continue;
    const seq = BigInt(row.seq);
    const oldest = blockedFrom.get(row.aggregateId);
    if (oldest === undefined || seq < oldest) blockedFrom.set(row.aggregateId, seq);
    if (row.leased) {
      busyKeys.add(row.aggregateId);
      for (const key of row.touches) busyKeys.add(key);
    }
  }
  const plan = (due: PlanCandidate[]) =>
    planBatches({ candidates: due, blockedFrom, busyKeys, freeSlots, maxBatch, transactionsInFlight });
  let planned = plan(candidates);
  // A full window of commands that all wait behind an elder of their aggregate (nothing in it
  // could go): look past those aggregates.
  const waitsBehindElder = (c: PlanCandidate) => c.seq >= (blockedFrom.get(c.aggregateId) ?? c.seq + 1n);
  if (candidates.length === window && candidates.every(waitsBehindElder)) {
    planned = plan(
      candidatesOf(await tx.execute<ClaimReadRow>(candidatesPast(window, [...blockedFrom.keys()]), prepared)),
    );
  }
  const ids = planned.flat().map((c) => c.id);
  const [claimed = []] = await Promise.all([
    ids.length > 0 ? tx.execute<ClaimedRow>(claimUpdate(workerId, ids), prepared) : undefined,
    tx.commit(),
  ]);
  if (claimed.length < ids.length) return { batches: [], leftWaiting: candidates.length };
  const rest = new Map(claimed.map((row) => [row.id, row]));
  return {
    batches: planned.map((batch) =>
      batch.map((command): ClaimedCommand => {
        const row = rest.get(command.id)!;
        return { ...command, ...row, createdAt: new Date(row.createdAt) };
      }),
    ),
    leftWaiting: Math.max(0, candidates.length - ids.length),
  };
}

/**
 * The plan of the claim's read, run as the claim runs it (its settings, a window for `freeSlots`):
 * for `bench/explainClaim.ts`.
 */
export async function explainClaimRead(
  pool: Sql,
  settings: Pick<ClaimSettings, 'leaseMs' | 'freeSlots' | 'maxBatch'>,
): Promise<string> {
  return Pipeline.run(pool, async (tx) => {
    const [, , plan] = await Promise.all([
      tx.begin(),
      tx.execute(transactionSettings),
      tx.execute<{ 'QUERY PLAN': string }>(
        sql`explain (analyze, buffers, costs off) ${claimRead(
          candidateWindow(settings.freeSlots, settings.maxBatch),
          settings.leaseMs,
        )}`,
      ),
      tx.commit(),
    ]);
    return plan.map((row) => row['QUERY PLAN']).join('\n');
  });
}

/** The candidates among the rows of a claim read, in `seq` order. */
function candidatesOf(rows: readonly ClaimReadRow[]): PlanCandidate[] {
  return rows
    .filter((row) => row.candidate)
    .map((row) => ({ id: row.id, seq: BigInt(row.seq), aggregateId: row.aggregateId, touches: row.touches }))
    .sort((a, b) => (a.seq < b.seq ? -1 : 1));
}

/**
 * How many of the oldest due commands the claim reads: twice what the free slots hold, so the
 * plan can pass over commands whose keys are busy, and never fewer than 64, so that with few
 * slots free a short head of waiting commands does not hide the ones behind it in the same read
 * (a longer one costs a second read, `candidatesPast`).
 */
function candidateWindow(freeSlots: number, maxBatch: number): number {
  return Math.min(Math.max(freeSlots * maxBatch * 2, 64), 5_000);
}
