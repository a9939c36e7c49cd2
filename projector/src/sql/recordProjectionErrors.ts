import { prepared, projectionErrors } from '@gx/db';
import { sql } from 'drizzle-orm';
import type { Statements } from './statements.js';

export interface QuarantinedEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: string;
  reason: string;
}

/** Events that failed validation, kept for inspection with where they were and why. */
export async function recordProjectionErrors(
  tx: Statements,
  quarantined: readonly QuarantinedEvent[],
): Promise<void> {
  if (quarantined.length === 0) return;
  const json = JSON.stringify(
    quarantined.map((q) => ({
      block_number: q.blockNumber.toString(),
      tx_id: q.transactionId,
      event_name: withoutNul(q.eventName),
      payload: withoutNul(q.payload),
      reason: withoutNul(q.reason),
    })),
  );
  await tx.execute(
    sql`
    insert into ${projectionErrors} (block_number, tx_id, event_name, payload, reason)
    select block_number, tx_id, event_name, payload, reason
    from jsonb_to_recordset(${json}::jsonb)
      as v(block_number bigint, tx_id text, event_name text, payload text, reason text)`,
    prepared,
  );
}

/** Postgres text (and jsonb) cannot hold NUL: keep it visible as an escape. */
const withoutNul = (text: string) => text.replaceAll('\u0000', '\\u0000');
