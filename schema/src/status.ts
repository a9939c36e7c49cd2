import { z } from 'zod';

export const commandStatuses = [
  'ACCEPTED',
  'SUBMITTED',
  'COMMITTED',
  'PROJECTED',
  'RETRYING',
  'REJECTED',
  'DEAD',
] as const;
export const CommandStatus = z.enum(commandStatuses);
export type CommandStatus = z.infer<typeof CommandStatus>;

export type StatusWriter = 'submitter' | 'projector' | 'admin';

/**
 * The design's transition table: for each writer, target status → the statuses it may come from.
 * Every status UPDATE puts the `from` list in its WHERE clause, so a late or stale writer changes nothing.
 * RETRYING → RETRYING is a further failed attempt, not a change of state.
 */
const transitions: Record<StatusWriter, Partial<Record<CommandStatus, readonly CommandStatus[]>>> = {
  submitter: {
    SUBMITTED: ['ACCEPTED', 'RETRYING'],
    RETRYING: ['ACCEPTED', 'SUBMITTED', 'RETRYING'],
    COMMITTED: ['SUBMITTED', 'RETRYING'],
    REJECTED: ['ACCEPTED', 'SUBMITTED', 'RETRYING'],
    DEAD: ['RETRYING'],
  },
  projector: {
    PROJECTED: ['ACCEPTED', 'SUBMITTED', 'RETRYING', 'COMMITTED', 'DEAD'],
    REJECTED: ['ACCEPTED', 'SUBMITTED', 'RETRYING', 'COMMITTED', 'DEAD'],
  },
  admin: {
    ACCEPTED: ['DEAD'],
  },
};

/** The statuses `writer` may move a command from into `to`; empty when it may not. */
export function allowedFrom(writer: StatusWriter, to: CommandStatus): readonly CommandStatus[] {
  return transitions[writer][to] ?? [];
}

export function canTransition(writer: StatusWriter, from: CommandStatus, to: CommandStatus): boolean {
  return allowedFrom(writer, to).includes(from);
}

/** Statuses after which a subscription completes. */
export const terminalStatuses: readonly CommandStatus[] = ['PROJECTED', 'REJECTED', 'DEAD'];

export function isTerminal(status: CommandStatus): boolean {
  return terminalStatuses.includes(status);
}

/** While an earlier command of its aggregate is in one of these, a command waits its turn. */
export const inFlightStatuses: readonly CommandStatus[] = ['ACCEPTED', 'SUBMITTED', 'RETRYING'];
