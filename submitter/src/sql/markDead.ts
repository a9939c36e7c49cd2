import { notifyCommands } from '@gx/db';
import { sql } from 'drizzle-orm';
import { type Executor, leaseFence, list } from './executor.js';

/** DEAD: attempts exhausted and, looked up, not on the ledger. Keeps the last error. */
export async function markDead(
  db: Executor,
  input: { workerId: string; commandIds: readonly string[] },
): Promise<void> {
  if (input.commandIds.length === 0) return;
  await db.transaction(async (tx) => {
    const rows = await tx.execute<{ id: string }>(sql`
      update commands
         set status = 'DEAD', locked_by = null, locked_at = null, updated_at = now()
       where id in ${list(input.commandIds)}
         and ${leaseFence(input.workerId, 'DEAD')}
      returning id`);
    await notifyCommands(
      tx,
      rows.map((r) => r.id),
    );
  });
}
