import type { LedgerEvent } from '@gx/fabric';
import { batchEventName, CommandResult, type DomainEvent, DomainEventSchema, domainEvents } from '@gx/schema';
import { z } from 'zod';

/** What one ledger event asks of the read models, in order. */
export type Work =
  | { kind: 'apply'; commandId: string; event: DomainEvent }
  | { kind: 'reject'; commandId: string; reason: string }
  /** Failed validation: quarantined in `projection_errors`, skipped. */
  | { kind: 'invalid'; eventName: string; payload: string; reason: string };

/** A ledger event with the work it carries (a repeat of an applied command carries none). */
export interface UnpackedEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  work: Work[];
}

const BatchShape = z.object({ results: z.array(z.unknown()) });

/**
 * Validates a chaincode event against the schema's contracts and turns it into work: a domain
 * event alone, or a `CommandsApplied` batch unpacked into its commands' domain events and
 * refusals, in order. Anything that does not validate becomes an `invalid` item, never a throw;
 * in a batch, only the entry that fails.
 */
export function unpack(event: LedgerEvent): UnpackedEvent {
  return {
    blockNumber: event.blockNumber,
    transactionId: event.transactionId,
    eventName: event.eventName,
    work: workOf(event.eventName, event.payload),
  };
}

function workOf(eventName: string, bytes: Uint8Array): Work[] {
  const text = Buffer.from(bytes).toString('utf8');
  const invalid = (reason: string, payload = text): Work[] => [
    { kind: 'invalid', eventName, payload, reason },
  ];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalid('payload is not JSON');
  }
  if (eventName === batchEventName) {
    const batch = BatchShape.safeParse(json);
    if (!batch.success) return invalid(describeIssues(batch.error));
    return batch.data.results.flatMap((entry, index): Work[] => {
      const result = CommandResult.safeParse(entry);
      if (!result.success) {
        return invalid(`results[${index}]: ${describeIssues(result.error)}`, JSON.stringify(entry));
      }
      const r = result.data;
      if (r.outcome === 'APPLIED') return [{ kind: 'apply', commandId: r.commandId, event: r.event }];
      if (r.outcome === 'REJECTED') return [{ kind: 'reject', commandId: r.commandId, reason: r.reason }];
      return [];
    });
  }
  if (!(eventName in domainEvents)) return invalid(`unknown event type ${JSON.stringify(eventName)}`);
  const parsed = DomainEventSchema.safeParse({ name: eventName, payload: json });
  if (!parsed.success) return invalid(describeIssues(parsed.error));
  return [{ kind: 'apply', commandId: parsed.data.payload.commandId, event: parsed.data }];
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(payload)'}: ${issue.message}`)
    .join('; ');
}

/** How many domain events (and refusals, and quarantined ones) an event counts for. */
export const weight = (event: UnpackedEvent) => Math.max(1, event.work.length);
