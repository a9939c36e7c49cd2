import { BatchCommand, type CommandType, ledgerArgs, ledgerFunctions } from '@gx/schema';
import { describeIssues } from './describeIssues.js';

/**
 * The command carried by a single-function call: the command id, then the type's params in the
 * order of `ledgerFunctions`. Fabric passes strings only, so a null argument arrives as ''.
 * Bad input throws: the whole transaction is refused with the reason.
 */
export function parseLedgerCall(type: CommandType, [commandId, ...values]: readonly string[]): BatchCommand {
  const { name, params } = ledgerFunctions[type];
  const shape: Record<string, { safeParse(value: unknown): { success: boolean } }> = ledgerArgs[type].shape;
  const args = Object.fromEntries(
    params.map((param, index) => {
      const value = values[index];
      return [param, value === '' && shape[param]?.safeParse(null).success ? null : value];
    }),
  );
  const parsed = BatchCommand.safeParse({ commandId, type, args });
  if (!parsed.success) {
    throw new Error(`invalid arguments to ${name}: ${describeIssues(parsed.error.issues)}`);
  }
  return parsed.data;
}
