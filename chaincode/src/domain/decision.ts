import type { BatchCommand, CommandType, DomainEvent } from '@gx/schema';
import type { Caller } from './caller.js';
import type { LedgerState } from './ledgerState.js';
import type { StateWrite } from './records.js';

export type CommandOf<T extends CommandType> = Extract<BatchCommand, { type: T }>;

/**
 * What an accepted command does. A rule only reads and then returns its writes, so a refusal
 * found halfway leaves nothing behind for the later commands of a batch.
 */
export interface Decision {
  event: DomainEvent;
  writes: StateWrite[];
}

/** A business rule: decides one command against the state, or throws `CommandRejected`. */
export type CommandRule<T extends CommandType> = (
  state: LedgerState,
  command: CommandOf<T>,
  caller: Caller,
) => Promise<Decision>;
