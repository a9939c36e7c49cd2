import { common } from '@hyperledger/fabric-protos';
import { ProtoWriter } from './protowire.js';
import type { LedgerStore } from './store.js';
import type { ChaincodeResponse } from './transactionBuilder.js';

/**
 * The ledger query system chaincode, answering from the ledger at once with the responses and
 * error messages of Fabric's `qscc`: GetChainInfo, GetTransactionByID, GetBlockByNumber,
 * GetBlockByHash and GetBlockByTxID. Errors are chaincode errors (status 500), which the gateway
 * reports as such.
 */
export class Qscc {
  constructor(
    private readonly store: LedgerStore,
    private readonly channelId: string,
  ) {}

  async invoke(args: readonly Uint8Array[]): Promise<ChaincodeResponse> {
    if (args.length < 2) return failure(`Incorrect number of arguments, ${args.length}`);
    const fname = text(args[0]);
    const channel = text(args[1]);
    const arg = args[2];
    if (fname !== 'GetChainInfo' && arg === undefined) return failure(`missing 3rd argument for ${fname}`);
    if (channel !== this.channelId) return failure(`Invalid chain ID, ${channel}`);
    switch (fname) {
      case 'GetChainInfo':
        return success(this.chainInfo());
      case 'GetTransactionByID':
        return this.transactionById(text(arg));
      case 'GetBlockByNumber':
        return this.blockByNumber(text(arg));
      case 'GetBlockByHash':
        return this.blockByHash(arg ?? new Uint8Array());
      case 'GetBlockByTxID':
        return this.blockByTxId(text(arg));
      default:
        return failure(`Requested function ${fname} not found.`);
    }
  }

  private chainInfo(): Uint8Array {
    const { height, currentBlockHash, previousBlockHash } = this.store.chainInfo;
    const info = new common.BlockchainInfo();
    info.setHeight(height);
    info.setCurrentblockhash(currentBlockHash);
    info.setPreviousblockhash(previousBlockHash);
    return info.serializeBinary();
  }

  private async transactionById(txId: string): Promise<ChaincodeResponse> {
    const location = this.store.getTx(txId);
    const block = location && (await this.store.getBlock(location.blockNumber));
    const envelope =
      block && common.Block.deserializeBinary(block).getData()?.getDataList_asU8()[location.txNum];
    if (!location || !envelope) {
      return failure(
        `Failed to get transaction with id ${txId}, error no such transaction ID [${txId}] in index`,
      );
    }
    // peer.ProcessedTransaction: the envelope as committed and its validation code.
    return success(new ProtoWriter().message(1, envelope).uint(2, location.code).finish());
  }

  private async blockByNumber(number: string): Promise<ChaincodeResponse> {
    if (!/^\d+$/.test(number)) {
      return failure(
        `Failed to parse block number with error strconv.ParseUint: parsing "${number}": invalid syntax`,
      );
    }
    const block = await this.store.getBlock(Number(number));
    return block
      ? success(block)
      : failure(`Failed to get block number ${number}, error no such block number [${number}] in index`);
  }

  private async blockByHash(hash: Uint8Array): Promise<ChaincodeResponse> {
    const blockNumber = this.store.blockNumberByHash(hash);
    const block = blockNumber === undefined ? undefined : await this.store.getBlock(blockNumber);
    const hex = Buffer.from(hash).toString('hex');
    return block
      ? success(block)
      : failure(`Failed to get block hash ${hex}, error no such block hash [${hex}] in index`);
  }

  private async blockByTxId(txId: string): Promise<ChaincodeResponse> {
    const location = this.store.getTx(txId);
    const block = location && (await this.store.getBlock(location.blockNumber));
    return block
      ? success(block)
      : failure(`Failed to get block for txID ${txId}, error no such transaction ID [${txId}] in index`);
  }
}

function text(bytes: Uint8Array | undefined): string {
  return bytes ? Buffer.from(bytes).toString('utf8') : '';
}

function success(payload: Uint8Array): ChaincodeResponse {
  return { status: 200, message: '', payload };
}

function failure(message: string): ChaincodeResponse {
  return { status: 500, message, payload: new Uint8Array() };
}
