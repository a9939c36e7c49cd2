import type { BatchCommand } from '@gx/schema';
import { applyCommand } from '../domain/applyCommand.js';
import type { LedgerState } from '../domain/ledgerState.js';
import { operator } from './commands.js';

/** Brings the state to a starting point; a setup command that is not applied is a broken test. */
export async function given(state: LedgerState, ...commands: BatchCommand[]): Promise<void> {
  for (const command of commands) {
    const result = await applyCommand(state, command, operator);
    if (result.outcome !== 'APPLIED') throw new Error(`setup command not applied: ${JSON.stringify(result)}`);
  }
}
