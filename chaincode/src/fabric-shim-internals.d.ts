// fabric-shim builds a chaincode from contract classes here, without typings of its own; the
// devnet runs the contracts in process through it, as the peer-side server does.
declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract.js' {
  import type { Contract } from 'fabric-contract-api';
  import type { ChaincodeInterface, ChaincodeResponse, ChaincodeStub } from 'fabric-shim';

  interface Serializers {
    transaction: string;
    serializers: Record<string, new () => unknown>;
  }

  export default class ChaincodeFromContract implements ChaincodeInterface {
    /** Appends its system contract (`org.hyperledger.fabric`) to `contractClasses`. */
    constructor(
      contractClasses: (new () => Contract)[],
      serializers: Serializers,
      metadata?: object,
      title?: string,
      version?: string,
    );
    Init(stub: ChaincodeStub): Promise<ChaincodeResponse>;
    Invoke(stub: ChaincodeStub): Promise<ChaincodeResponse>;
  }
}
