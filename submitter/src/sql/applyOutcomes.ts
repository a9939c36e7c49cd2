import { type Pipeline, prepared, textArray, uuidArray } from '@gx/db';
import { sql } from 'drizzle-orm';
import { jsonRows, leaseFence, lockById } from './executor.js';

export interface Outcomes {
  /** The committed transaction, when the outcomes come from one. */
  ledger?: { transactionId: string; blockNumber: bigint };
  /** Applied now or before (a repeated command id): on the ledger. */
  committed: readonly string[];
  /** Refused by the chaincode, with its reason: final. */
  rejected: readonly { id: string; reason: string }[];
}

/**
 * Writes the ledger's verdicts on claimed commands: COMMITTED with the block, or REJECTED with
 * the chaincode's reason (a rejected registration frees its e-mail), and releases the claims.
 * A status the projector already moved further is left as it is.
 */
export async function applyOutcomes(
  /** A transaction, whose statements go out pipelined and run in the order sent. */
  tx: Pipeline,
  workerId: string,
  all: readonly Outcomes[],
): Promise<void> {
  const block = (o: Outcomes) => o.ledger?.blockNumber.toString() ?? null;
  // Independent statements, sent at once (a transaction's statements are pipelined) and run in order.
  const statements: Promise<unknown>[] = [];
  const ledgers = all.flatMap((o) =>
    o.ledger ? [{ tx_id: o.ledger.transactionId, block: o.ledger.blockNumber.toString() }] : [],
  );
  if (ledgers.length > 0) {
    statements.push(
      tx.execute(
        sql`
        update ledger_transactions l
           set status = 'COMMITTED', validation_code = 0, block_number = v.block, updated_at = now()
          from jsonb_to_recordset(${jsonRows(ledgers)}::text::jsonb) as v(tx_id text, block bigint)
         where l.tx_id = any(${textArray(ledgers.map((l) => l.tx_id))}::text[])
           and l.tx_id = v.tx_id`,
        prepared,
      ),
    );
  }
  const committed = all.flatMap((o) => o.committed.map((id) => ({ id, block: block(o) })));
  if (committed.length > 0) {
    statements.push(
      tx.execute(
        sql`
        with held as materialized (${lockById(
          committed.map((c) => c.id),
          leaseFence(workerId, 'COMMITTED'),
        )})
        update commands c
           set status = 'COMMITTED', block_number = coalesce(c.block_number, v.block),
               committed_at = now(), updated_at = now(), error_code = null, error_message = null,
               locked_by = null, locked_at = null
          from held h, jsonb_to_recordset(${jsonRows(committed)}::text::jsonb) as v(id uuid, block bigint)
         where h.ok and c.id = h.id and v.id = h.id`,
        prepared,
      ),
    );
  }
  const rejected = all.flatMap((o) =>
    o.rejected.map((r) => ({ id: r.id, reason: r.reason, block: block(o) })),
  );
  if (rejected.length > 0) {
    statements.push(
      tx.execute(
        sql`
        with held as materialized (${lockById(
          rejected.map((r) => r.id),
          leaseFence(workerId, 'REJECTED'),
        )}),
        refused as (
          update commands c
             set status = 'REJECTED', error_code = 'REJECTED', error_message = v.reason,
                 block_number = coalesce(c.block_number, v.block), updated_at = now(),
                 locked_by = null, locked_at = null
            from held h, jsonb_to_recordset(${jsonRows(rejected)}::text::jsonb) as v(id uuid, reason text, block bigint)
           where h.ok and c.id = h.id and v.id = h.id
          returning c.id, c.type)
        delete from credentials where register_command_id in (select id from refused where type = 'REGISTER')`,
        prepared,
      ),
    );
  }
  // The verdicts release their claims themselves (one row version, not two); this releases the
  // commands they left alone, which the projector had already moved further.
  const ids = settledIds(all);
  if (ids.length > 0) {
    statements.push(
      tx.execute(
        sql`update commands set locked_by = null, locked_at = null
             where id = any(${uuidArray(ids)}::uuid[]) and locked_by = ${workerId}`,
        prepared,
      ),
    );
  }
  await Promise.all(statements);
}

/** Every command the outcomes settle, committed or rejected. */
export function settledIds(all: readonly Outcomes[]): string[] {
  return all.flatMap((o) => [...o.committed, ...o.rejected.map((r) => r.id)]);
}
