import { type BatchCommand, BatchCommands, batchFunction } from '@gx/schema';
import { describeIssues } from './describeIssues.js';

/**
 * The ordered commands of `ApplyCommands(commandsJson)`. Malformed input throws: the whole
 * transaction is refused, since no command of it can be trusted to mean what it says.
 */
export function parseBatchCommands(commandsJson: string): BatchCommand[] {
  let input: unknown;
  try {
    input = JSON.parse(commandsJson);
  } catch {
    // JSON.parse quotes the input in its message; the reason stays a plain statement.
    throw new Error(`invalid input to ${batchFunction.name}: commandsJson is not valid JSON`);
  }
  const parsed = BatchCommands.safeParse(input);
  if (!parsed.success) {
    throw new Error(
      `invalid input to ${batchFunction.name}: ${describeIssues(parsed.error.issues, 'commands')}`,
    );
  }
  return parsed.data;
}
