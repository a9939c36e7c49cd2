import { type CommandType, ledgerFunctions } from '@gx/schema';
import { reject } from './rejection.js';

/** Who submits a command, and which MSP the chaincode trusts as the operator. */
export interface Caller {
  mspId: string;
  operatorMspId: string;
}

export function requireOperator(caller: Caller, type: CommandType): void {
  if (caller.mspId !== caller.operatorMspId) {
    reject(
      `${ledgerFunctions[type].name} is only for the operator (MSP ${caller.operatorMspId}), caller is ${caller.mspId}`,
    );
  }
}
