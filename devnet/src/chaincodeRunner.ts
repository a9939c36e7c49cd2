import { type Contract, JSONSerializer } from 'fabric-contract-api';
import { ChaincodeStub } from 'fabric-shim';
import ChaincodeFromContract from 'fabric-shim/lib/contract-spi/chaincodefromcontract.js';
import type { UnpackedProposal } from './proposal.js';
import { cacheShimCertificateParsing } from './shimCertificateCache.js';
import { silenceFabricShimLogging } from './shimLogging.js';
import type { StateHandler } from './stateHandler.js';

/** A fabric-contract-api contract class, as `contracts` of a chaincode package lists them. */
export type ContractClass = new () => Contract;

export interface ChaincodeOutcome {
  status: number;
  message: string;
  payload: Uint8Array;
  /** The event the contract set (Fabric keeps one per transaction), without chaincode and transaction id. */
  event?: { name: string; payload: Uint8Array };
  /** The peer, not the chaincode, failed the invocation (deadline): Fabric reports it without a chaincode response. */
  peerError?: boolean;
}

type StubConstructor = new (
  handler: StateHandler,
  channelId: string,
  txId: string,
  input: unknown,
  signedProposal: unknown,
) => ChaincodeStub & { chaincodeEvent?: { getEventName(): string; getPayload_asU8(): Uint8Array } };

/**
 * Runs contracts in process the way a Node chaincode container does: fabric-shim's own
 * `ChaincodeStub` (so the contract sees the same API, creator and arguments as on a peer)
 * driven by devnet's state handler, and fabric-shim's `ChaincodeFromContract` routing
 * `Contract:function` names. Contract errors come back as a 500 response, never as throws.
 */
export class ChaincodeRunner {
  private readonly chaincode: ChaincodeFromContract;

  constructor(
    contracts: readonly ContractClass[],
    private readonly timeoutMs: number,
  ) {
    silenceFabricShimLogging();
    cacheShimCertificateParsing();
    // ChaincodeFromContract appends its system contract to the array it is given.
    this.chaincode = new ChaincodeFromContract(
      [...contracts],
      { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
      {},
      'gx',
      '1.0',
    );
  }

  async invoke(up: UnpackedProposal, handler: StateHandler): Promise<ChaincodeOutcome> {
    const Stub = ChaincodeStub as unknown as StubConstructor;
    let timer: NodeJS.Timeout | undefined;
    try {
      const stub = new Stub(handler, up.channelId, up.txId, up.input, up.signedProposal);
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
      });
      const response = await Promise.race([this.chaincode.Invoke(stub), deadline]);
      if (response === 'timeout') {
        return {
          status: 500,
          message: 'error in simulation: timeout expired while executing transaction',
          payload: new Uint8Array(),
          peerError: true,
        };
      }
      const event = stub.chaincodeEvent;
      return {
        status: response.status,
        message: response.message ?? '',
        payload: response.payload ?? new Uint8Array(),
        ...(event && response.status < 400
          ? { event: { name: event.getEventName(), payload: event.getPayload_asU8() } }
          : {}),
      };
    } catch (error) {
      return { status: 500, message: (error as Error).message, payload: new Uint8Array() };
    } finally {
      clearTimeout(timer);
    }
  }
}
