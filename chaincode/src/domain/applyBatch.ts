import type { BatchCommand, CommandsApplied } from '@gx/schema';
import { applyCommand } from './applyCommand.js';
import type { Caller } from './caller.js';
import type { LedgerState } from './ledgerState.js';

/**
 * Applies commands in order against one state, so each sees the writes of those before it; a
 * refused command is a REJECTED result and does not stop the others.
 */
export async function applyBatch(
  state: LedgerState,
  commands: readonly BatchCommand[],
  caller: Caller,
): Promise<CommandsApplied> {
  const results: CommandsApplied['results'] = [];
  for (const command of commands) results.push(await applyCommand(state, command, caller));
  return { results };
}
