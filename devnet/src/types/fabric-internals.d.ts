// Internal modules of fabric-shim and fabric-contract-api that devnet deep-imports (they ship no typings).

declare module 'fabric-shim/lib/contract-spi/chaincodefromcontract.js' {
  interface ChaincodeResponse {
    status: number;
    message?: string;
    payload?: Uint8Array;
  }
  /** Routes `Contract:function` invocations to contract classes, as fabric-shim's contract bootstrap does. */
  export default class ChaincodeFromContract {
    constructor(
      contractClasses: unknown[],
      serializers: { transaction: string; serializers: Record<string, unknown> },
      metadata: object,
      title: string,
      version: string,
    );
    Invoke(stub: unknown): Promise<ChaincodeResponse>;
  }
}

declare module 'fabric-shim/lib/logger.js' {
  export function getLogger(name: string): { silent: boolean };
}

declare module 'fabric-contract-api/lib/logger.js' {
  export function getLogger(name: string): { silent: boolean };
}
