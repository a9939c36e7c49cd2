import type { DomainEventName, domainEvents } from '@gx/schema';
import type { z } from 'zod';
import type { ReadModelTransaction } from '../model/readModelTransaction.js';

/** The command row behind an event: its personal fields and acceptance time stay off the ledger. */
export interface CommandRecord {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /**
   * Acceptance time, as Postgres wrote it (to the microsecond): the read models' timestamps, so a
   * replay writes equal rows.
   */
  createdAt: string;
}

/** A domain event as a handler sees it: the payload, where it sits on the ledger, and its command row. */
export interface Projected<N extends DomainEventName> {
  name: N;
  payload: z.infer<(typeof domainEvents)[N]>;
  commandId: string;
  blockNumber: bigint;
  transactionId: string;
  /** Undefined for a command put on the ledger by someone else: personal fields stay empty. */
  command: CommandRecord | undefined;
  /** The command's acceptance time, or the projection's time without a command row (timestamptz text). */
  at: string;
}

/**
 * One read-model change: a plain function of the event and the transaction's read models (the
 * rows the group touches, written back with the checkpoint). Each is idempotent on its own, a
 * second line of defence behind the checkpoint: applied twice, it leaves the same rows.
 */
export type Handler<N extends DomainEventName> = (
  event: Projected<N>,
  tx: ReadModelTransaction,
) => Promise<void>;

/** A text field of the command row's payload (a personal field), or null. */
export function personalField(command: CommandRecord | undefined, name: string): string | null {
  const value = command?.payload[name];
  return typeof value === 'string' ? value : null;
}
