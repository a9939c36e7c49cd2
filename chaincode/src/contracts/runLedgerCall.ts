import type { CommandType } from '@gx/schema';
import type { Context } from 'fabric-contract-api';
import { applyCommand } from '../domain/applyCommand.js';
import { parseLedgerCall } from '../domain/parseLedgerCall.js';
import { StateOverlay } from '../overlay.js';
import { callerOf } from './caller.js';

/**
 * One single-function call: the same code as a batch entry. A refusal throws its reason, which
 * Fabric returns as an endorsement failure (status 500); a repeated command id answers its first
 * outcome without an event. Returns the `CommandResult` as JSON.
 */
export async function runLedgerCall(ctx: Context, type: CommandType, values: string[]): Promise<string> {
  const command = parseLedgerCall(type, values);
  const state = new StateOverlay(ctx.stub);
  const result = await applyCommand(state, command, callerOf(ctx));
  if (result.outcome === 'REJECTED') throw new Error(result.reason);
  if (result.outcome === 'APPLIED') {
    ctx.stub.setEvent(result.event.name, Buffer.from(JSON.stringify(result.event.payload)));
  }
  await state.flush();
  return JSON.stringify(result);
}
