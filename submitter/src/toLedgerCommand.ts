import { type BatchCommand, type CommandPayload, toLedgerArgs } from '@gx/schema';
import type { ClaimedCommand } from './plan.js';

/** The ledger's view of a command: its id, type and the ledger arguments of its payload, nothing personal. */
export function toLedgerCommand(command: ClaimedCommand): BatchCommand {
  return {
    commandId: command.id,
    type: command.type,
    args: toLedgerArgs(command.type, command.payload as CommandPayload),
  } as BatchCommand;
}
