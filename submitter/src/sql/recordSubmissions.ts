import { type Pipeline, prepared, uuidArray } from '@gx/db';
import { allowedFrom } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { jsonRows, list } from './executor.js';

export interface Submission {
  transactionId: string;
  envelope: Uint8Array;
  commandIds: readonly string[];
}

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/** Whether a statement failed at `gx_lease_fence`: a lease no longer covered what it wrote. */
export function failedAtLeaseFence(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'GXL01';
}

/**
 * Records signed transactions before their first submission and marks their commands SUBMITTED:
 * after a crash the same envelope is found and resubmitted or looked up. Fenced by the lease: if
 * another worker took any of the commands, the fence fails the caller's transaction, so nothing is
 * written (`failedAtLeaseFence`). The fence is checked by PostgreSQL, so the caller can send its
 * COMMIT along with these statements.
 */
export async function recordSubmissions(
  /** A transaction, whose statements go out pipelined and run in the order sent. */
  tx: Pipeline,
  workerId: string,
  submissions: readonly Submission[],
): Promise<void> {
  const transactions = submissions.map((s) => ({
    tx_id: s.transactionId,
    envelope: Buffer.from(s.envelope).toString('base64'),
    command_count: s.commandIds.length,
  }));
  const pairs = submissions.flatMap((s) => s.commandIds.map((id) => ({ id, tx_id: s.transactionId })));
  // Both sent at once (a transaction's statements are pipelined and run in order).
  await Promise.all([
    tx.execute(
      sql`
      insert into ledger_transactions (tx_id, envelope, status, command_count)
      select v.tx_id, decode(v.envelope, 'base64'), 'SUBMITTED', v.command_count
        from jsonb_to_recordset(${jsonRows(transactions)}::text::jsonb) as v(tx_id text, envelope text, command_count int)`,
      prepared,
    ),
    tx.execute(
      sql`
      with updated as (
      update commands c
         set status = 'SUBMITTED', ledger_tx_id = v.tx_id, submitted_at = coalesce(c.submitted_at, now()),
             updated_at = now(), error_code = null, error_message = null
        from jsonb_to_recordset(${jsonRows(pairs)}::text::jsonb) as v(id uuid, tx_id text)
       where c.id = any(${uuidArray(pairs.map((p) => p.id))}::uuid[])
         and c.id = v.id
         and c.locked_by = ${workerId}
         and c.status in ${list(allowedFrom('submitter', 'SUBMITTED'))}
      returning c.id)
      select gx_lease_fence(count(*) = ${pairs.length},
                            format('%s of %s commands held by %s', count(*), ${pairs.length}::int, ${workerId}::text))
        from updated`,
      prepared,
    ),
  ]);
}
