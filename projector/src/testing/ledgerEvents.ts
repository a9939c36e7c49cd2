import { arrivedTogether, type Ledger } from '@gx/fabric';
import { type Position, samePosition, toLedgerCheckpoint } from '../checkpoint.js';
import { type UnpackedEvent, unpack } from '../unpack.js';

/** The ledger's events strictly after `from`, up to and including `through`, unpacked. */
export async function eventsBetween(
  ledger: Ledger,
  from: Position,
  through: Position,
): Promise<UnpackedEvent[]> {
  const events: UnpackedEvent[] = [];
  if (samePosition(from, through)) return events;
  const stream = ledger.events(toLedgerCheckpoint(from));
  try {
    for await (const group of arrivedTogether(stream)) {
      for (const raw of group) {
        events.push(unpack(raw));
        if (samePosition({ blockNumber: raw.blockNumber, transactionId: raw.transactionId }, through))
          return events;
      }
    }
  } finally {
    stream.close();
  }
  return events;
}

/** Domain events and refusals: what projector_events_processed_total{status="success"} counts. */
export const countWork = (events: readonly UnpackedEvent[]) =>
  events.reduce((n, e) => n + e.work.filter((w) => w.kind !== 'invalid').length, 0);
