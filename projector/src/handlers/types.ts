import type { DbTransaction } from '@gx/db';
import type { DomainEventName, domainEvents } from '@gx/schema';
import type { z } from 'zod';

/** The command row behind an event: its personal fields and acceptance time stay off the ledger. */
export interface CommandRecord {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** Acceptance time, as Postgres wrote it (microseconds kept): the read models' timestamps, so a replay writes equal rows. */
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
 * One read-model change: a plain function of the event and the transaction (which also moves the
 * checkpoint). Each is idempotent on its own, a second line of defence behind the checkpoint.
 */
export type Handler<N extends DomainEventName> = (event: Projected<N>, tx: DbTransaction) => Promise<void>;

/** A text field of the command row's payload (a personal field), or null. */
export function personalField(command: CommandRecord | undefined, name: string): string | null {
  const value = command?.payload[name];
  return typeof value === 'string' ? value : null;
}
