import { notifyCommands } from '@gx/db';
import { sql } from 'drizzle-orm';
import { type Executor, leaseFence, list } from './executor.js';

export interface RetrySettings {
  baseMs: number;
  capMs: number;
}

/**
 * RETRYING after a fault that reached the ledger: one more attempt counted, and the next one
 * after exponential backoff with full jitter (a random delay up to base·2^(attempts−1), capped),
 * computed per row where the attempt count is. Returns the commands that used their last attempt.
 */
export async function scheduleRetry(
  db: Executor,
  input: {
    workerId: string;
    commandIds: readonly string[];
    error: string;
    maxAttempts: number;
    backoff: RetrySettings;
  },
): Promise<string[]> {
  const { workerId, commandIds, error, maxAttempts, backoff } = input;
  return db.transaction(async (tx) => {
    const rows = await tx.execute<{ id: string; attempts: number }>(sql`
      update commands
         set status = 'RETRYING', attempts = attempts + 1,
             next_attempt_at = now() + random() * least(${backoff.capMs}, ${backoff.baseMs} * power(2, attempts))
                                       * interval '1 millisecond',
             error_code = 'LEDGER_FAULT', error_message = ${error}, updated_at = now(),
             locked_by = case when attempts + 1 >= ${maxAttempts} then locked_by end,
             locked_at = case when attempts + 1 >= ${maxAttempts} then locked_at end
       where id in ${list(commandIds)}
         and ${leaseFence(workerId, 'RETRYING')}
      returning id, attempts`);
    await notifyCommands(
      tx,
      rows.map((r) => r.id),
    );
    return rows.filter((r) => r.attempts >= maxAttempts).map((r) => r.id);
  });
}

/**
 * Back in the queue without an attempt counted: the call never reached the ledger (unreachable
 * peer, open breaker) or its transaction was invalidated by a conflict. The status stays as it is.
 */
export async function releaseClaims(
  db: Executor,
  input: { workerId: string; commandIds: readonly string[]; delayMs: number },
): Promise<void> {
  if (input.commandIds.length === 0) return;
  await db.execute(sql`
    update commands
       set locked_by = null, locked_at = null, updated_at = now(),
           next_attempt_at = now() + ${input.delayMs} * interval '1 millisecond'
     where id in ${list(input.commandIds)} and locked_by = ${input.workerId}`);
}
