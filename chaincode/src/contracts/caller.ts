import type { Context } from 'fabric-contract-api';
import type { Caller } from '../domain/caller.js';
import { operatorMspId } from '../operator.js';

export function callerOf(ctx: Context): Caller {
  return { mspId: ctx.clientIdentity.getMSPID(), operatorMspId: operatorMspId() };
}
