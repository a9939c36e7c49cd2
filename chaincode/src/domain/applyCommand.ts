import type { BatchCommand, CommandResult, CommandType } from '@gx/schema';
import type { Caller } from './caller.js';
import { commandRules } from './commandRules.js';
import type { CommandOf, CommandRule, Decision } from './decision.js';
import type { LedgerState } from './ledgerState.js';
import { type CommandRecord, commandWrite, readCommand, type StateWrite } from './records.js';
import { CommandRejected } from './rejection.js';

/**
 * Applies one command: a repeated command id answers its first outcome and changes nothing;
 * otherwise the command's rule decides, and the outcome is recorded under its id. A refusal is a
 * REJECTED result; any other error (a state read failing) propagates and fails the transaction.
 */
export async function applyCommand(
  state: LedgerState,
  command: BatchCommand,
  caller: Caller,
): Promise<CommandResult> {
  const { commandId } = command;
  const first = await readCommand(state, commandId);
  if (first) return repeatOf(commandId, first);

  const verdict = await decide(state, command, caller);
  if (verdict instanceof CommandRejected) {
    await putAll(state, [commandWrite(commandId, { outcome: 'REJECTED', reason: verdict.message })]);
    return { commandId, outcome: 'REJECTED', reason: verdict.message };
  }
  await putAll(state, [...verdict.writes, commandWrite(commandId, { outcome: 'APPLIED' })]);
  return { commandId, outcome: 'APPLIED', event: verdict.event };
}

function repeatOf(commandId: string, first: CommandRecord): CommandResult {
  return first.outcome === 'APPLIED'
    ? { commandId, outcome: 'ALREADY_APPLIED' }
    : { commandId, outcome: 'REJECTED', reason: first.reason };
}

async function decide<T extends CommandType>(
  state: LedgerState,
  command: CommandOf<T>,
  caller: Caller,
): Promise<Decision | CommandRejected> {
  const rule: CommandRule<T> = commandRules[command.type];
  try {
    return await rule(state, command, caller);
  } catch (error) {
    if (error instanceof CommandRejected) return error;
    throw error;
  }
}

async function putAll(state: LedgerState, writes: StateWrite[]): Promise<void> {
  for (const { key, value } of writes) await state.put(key, value);
}
