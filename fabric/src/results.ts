import { type BatchCommand, CommandResult, CommandsApplied } from '@gx/schema';

/**
 * The per-command outcomes carried in a transaction's result: one `CommandResult` for a single
 * function, `CommandsApplied` for a batch.
 */
export function parseResults(commands: readonly BatchCommand[], result: Uint8Array): CommandResult[] {
  const json: unknown = JSON.parse(Buffer.from(result).toString('utf8'));
  const results =
    commands.length === 1 && !isBatchResult(json)
      ? [CommandResult.parse(json)]
      : CommandsApplied.parse(json).results;
  if (results.length !== commands.length || results.some((r, i) => r.commandId !== commands[i]?.commandId)) {
    throw new Error('the transaction result does not list the commands it was given, in order');
  }
  return results;
}

function isBatchResult(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'results' in json;
}
