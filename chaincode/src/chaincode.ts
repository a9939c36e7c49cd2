import { JSONSerializer } from 'fabric-contract-api';
import type { ChaincodeInterface } from 'fabric-shim';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import { contracts } from './contracts/index.js';

/** The chaincode's name on the channel. */
export const chaincodeName = 'gx';

/**
 * The contracts as one chaincode, routing `Contract:Function` to them as a peer does, with
 * fabric-shim's own JSON serializer. Invoke never throws for a contract error: it answers
 * `{ status: 500, message }`.
 */
export function createChaincode(): ChaincodeInterface {
  return new ChaincodeFromContract(
    [...contracts],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    chaincodeName,
  );
}
