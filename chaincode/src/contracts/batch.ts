import { BatchVerdicts, batchEventName } from '@gx/schema';
import { type Context, Contract } from 'fabric-contract-api';
import { applyBatch } from '../domain/applyBatch.js';
import { parseBatchCommands } from '../domain/parseBatchCommands.js';
import { StateOverlay } from '../overlay.js';
import { callerOf } from './caller.js';

/** Several commands in one transaction: a transaction's cost is the same whatever it carries. */
export class BatchContract extends Contract {
  constructor() {
    super('BatchContract');
  }

  /**
   * Applies `{commandId, type, args}` entries in order through one overlay, so later entries see
   * earlier writes, and sets one `CommandsApplied` event. Returns each command's verdict, in order
   * (`BatchVerdicts`): the events are in the event only.
   */
  async ApplyCommands(ctx: Context, commandsJson: string): Promise<string> {
    const commands = parseBatchCommands(commandsJson);
    const state = new StateOverlay(ctx.stub);
    const applied = await applyBatch(state, commands, callerOf(ctx));
    ctx.stub.setEvent(batchEventName, Buffer.from(JSON.stringify(applied)));
    await state.flush();
    return JSON.stringify(BatchVerdicts.parse(applied));
  }
}
