import { type BatchCommand, CommandResult, CommandsApplied } from '@gx/schema';

/**
 * The per-command outcomes carried in a transaction's result: one `CommandResult` for a single
 * function, `CommandsApplied` for a batch.
 */
export function parseResults(result: Uint8Array): CommandResult[] {
  const json: unknown = JSON.parse(Buffer.from(result).toString('utf8'));
  return isBatchResult(json) ? CommandsApplied.parse(json).results : [CommandResult.parse(json)];
}

/** Checks that an endorsement answered for exactly the commands it was given, in order. */
export function checkResults(commands: readonly BatchCommand[], results: readonly CommandResult[]): void {
  if (results.length !== commands.length || results.some((r, i) => r.commandId !== commands[i]?.commandId)) {
    throw new Error('the transaction result does not list the commands it was given, in order');
  }
}

function isBatchResult(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'results' in json;
}
