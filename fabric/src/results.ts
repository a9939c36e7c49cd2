import { type BatchCommand, BatchVerdicts, CommandVerdict } from '@gx/schema';

/**
 * The per-command verdicts carried in a transaction's result: a single function's `CommandResult`
 * (its event left out), or a batch's `BatchVerdicts`.
 */
export function parseResults(result: Uint8Array): CommandVerdict[] {
  const json: unknown = JSON.parse(Buffer.from(result).toString('utf8'));
  return isBatchResult(json) ? BatchVerdicts.parse(json).results : [CommandVerdict.parse(json)];
}

/** Checks that an endorsement answered for exactly the commands it was given, in order. */
export function checkResults(commands: readonly BatchCommand[], results: readonly CommandVerdict[]): void {
  if (results.length !== commands.length || results.some((r, i) => r.commandId !== commands[i]?.commandId)) {
    throw new Error('the transaction result does not list the commands it was given, in order');
  }
}

function isBatchResult(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'results' in json;
}
