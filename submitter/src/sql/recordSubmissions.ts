import type { DbTransaction } from '@gx/db';
import { allowedFrom } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { list } from './executor.js';

export interface Submission {
  transactionId: string;
  envelope: Uint8Array;
  commandIds: readonly string[];
}

export class LeaseLostError extends Error {
  override name = 'LeaseLostError';
}

/**
 * Records signed transactions before their first submission and marks their commands SUBMITTED:
 * after a crash the same envelope is found and resubmitted or looked up. Fenced by the lease: if
 * another worker took any of the commands, it throws and (in the caller's transaction) nothing
 * is written.
 */
export async function recordSubmissions(
  /** A transaction, whose statements go out pipelined and run in the order sent. */
  tx: DbTransaction,
  workerId: string,
  submissions: readonly Submission[],
): Promise<void> {
  const rows = sql.join(
    submissions.map(
      (s) => sql`(${s.transactionId}, ${Buffer.from(s.envelope)}, 'SUBMITTED', ${s.commandIds.length})`,
    ),
    sql`, `,
  );
  const pairs = sql.join(
    submissions.flatMap((s) => s.commandIds.map((id) => sql`(${id}::uuid, ${s.transactionId})`)),
    sql`, `,
  );
  // Both sent at once (a transaction's statements are pipelined); the fence is checked after.
  const [, updated] = await Promise.all([
    tx.execute(sql`insert into ledger_transactions (tx_id, envelope, status, command_count) values ${rows}`),
    tx.execute<{ id: string }>(sql`
    update commands c
       set status = 'SUBMITTED', ledger_tx_id = v.tx_id, submitted_at = coalesce(c.submitted_at, now()),
           updated_at = now(), error_code = null, error_message = null
      from (values ${pairs}) as v(id, tx_id)
     where c.id = v.id
       and c.locked_by = ${workerId}
       and c.status in ${list(allowedFrom('submitter', 'SUBMITTED'))}
    returning c.id`),
  ]);
  const expected = submissions.reduce((n, s) => n + s.commandIds.length, 0);
  if (updated.length !== expected) {
    throw new LeaseLostError(`${expected - updated.length} command(s) no longer held by ${workerId}`);
  }
}
