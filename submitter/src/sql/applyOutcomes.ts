import { notifyCommands } from '@gx/db';
import { allowedFrom } from '@gx/schema';
import { sql } from 'drizzle-orm';
import { type Executor, list } from './executor.js';

export interface Outcomes {
  workerId: string;
  /** The committed transaction, when the outcomes come from one. */
  ledger?: { transactionId: string; blockNumber: bigint };
  /** Applied now or before (a repeated command id): on the ledger. */
  committed: readonly string[];
  /** Refused by the chaincode, with its reason: final. */
  rejected: readonly { id: string; reason: string }[];
}

/**
 * Writes the ledger's verdict on claimed commands in one transaction: COMMITTED with the block,
 * or REJECTED with the chaincode's reason (a rejected registration frees its e-mail), releases
 * the claims, and sends one notice listing them. A status the projector already moved further
 * is left as it is.
 */
export async function applyOutcomes(db: Executor, outcomes: Outcomes): Promise<void> {
  const { workerId, ledger, committed, rejected } = outcomes;
  const all = [...committed, ...rejected.map((r) => r.id)];
  if (all.length === 0) return;
  await db.transaction(async (tx) => {
    if (ledger) {
      await tx.execute(sql`
        update ledger_transactions set status = 'COMMITTED', validation_code = 0,
               block_number = ${ledger.blockNumber.toString()}, updated_at = now()
         where tx_id = ${ledger.transactionId}`);
    }
    if (committed.length > 0) {
      await tx.execute(sql`
        update commands
           set status = 'COMMITTED', block_number = coalesce(block_number, ${ledger?.blockNumber.toString() ?? null}),
               committed_at = now(), updated_at = now(), error_code = null, error_message = null
         where id in ${list(committed)}
           and locked_by = ${workerId}
           and status in ${list(allowedFrom('submitter', 'COMMITTED'))}`);
    }
    if (rejected.length > 0) {
      const verdicts = sql.join(
        rejected.map((r) => sql`(${r.id}::uuid, ${r.reason})`),
        sql`, `,
      );
      await tx.execute(sql`
        with refused as (
          update commands c
             set status = 'REJECTED', error_code = 'REJECTED', error_message = v.reason,
                 block_number = coalesce(c.block_number, ${ledger?.blockNumber.toString() ?? null}),
                 updated_at = now()
            from (values ${verdicts}) as v(id, reason)
           where c.id = v.id
             and c.locked_by = ${workerId}
             and c.status in ${list(allowedFrom('submitter', 'REJECTED'))}
          returning c.id, c.type)
        delete from credentials where register_command_id in (select id from refused where type = 'REGISTER')`);
    }
    await tx.execute(sql`
      update commands set locked_by = null, locked_at = null
       where id in ${list(all)} and locked_by = ${workerId}`);
    await notifyCommands(tx, all);
  });
}
