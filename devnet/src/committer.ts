import { peer } from '@hyperledger/fabric-protos';
import { buildBlock, genesisEnvelope } from './blocks.js';
import type { OrderedTx } from './envelope.js';
import { ProtoWriter } from './protowire.js';
import type { LedgerStore } from './store.js';
import { validateBlock } from './validator.js';

/** What a commit tells the rest of devnet: each transaction's verdict and the block's events. */
export interface CommittedBlock {
  blockNumber: number;
  txs: { txId: string; code: number }[];
  /** The serialized `gateway.ChaincodeEventsResponse` of the block, when valid transactions set events. */
  events: Uint8Array | undefined;
}

export type CommitListener = (block: CommittedBlock) => void;

/**
 * The committing peer: turns each batch from the block cutter into the next block, validates it
 * (duplicates, MVCC), and writes block, index, state and events in one atomic batch, one block
 * at a time. Listeners hear about a block only once it is durable.
 */
export class Committer {
  private readonly queue: OrderedTx[][] = [];
  private running: Promise<void> | undefined;
  private readonly listeners = new Set<CommitListener>();
  /** Set when a block could not be written: the ledger can no longer be trusted to advance. */
  failure: Error | undefined;

  constructor(
    private readonly store: LedgerStore,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Writes the channel's genesis block to an empty ledger. */
  async init(channelId: string): Promise<void> {
    if (this.store.chainInfo.height > 0) return;
    const block = buildBlock(
      0,
      new Uint8Array(),
      [genesisEnvelope(channelId)],
      [peer.TxValidationCode.VALID],
    );
    await this.store.commit({
      blockNumber: 0,
      blockBytes: block.bytes,
      blockHash: block.hash,
      previousHash: new Uint8Array(),
      txIndex: [],
      stateWrites: [],
    });
  }

  onCommit(listener: CommitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  submit(batch: OrderedTx[]): void {
    this.queue.push(batch);
    this.running ??= this.run();
  }

  /** Resolves when every batch handed over so far is committed (or the ledger failed). */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      for (let batch = this.queue.shift(); batch; batch = this.queue.shift()) {
        if (this.failure) continue;
        try {
          await this.commit(batch);
        } catch (error) {
          this.failure = error as Error;
          this.onError(this.failure);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  private async commit(txs: OrderedTx[]): Promise<void> {
    const { height, currentBlockHash } = this.store.chainInfo;
    const blockNumber = height;
    const validation = validateBlock(blockNumber, txs, {
      version: (namespace, key) => this.store.getState(namespace, key)?.version ?? null,
      hasTx: (txId) => this.store.getTx(txId) !== undefined,
    });
    const block = buildBlock(
      blockNumber,
      currentBlockHash,
      txs.map((tx) => tx.envelope),
      validation.codes,
    );
    const eventsWriter = new ProtoWriter();
    let eventCount = 0;
    txs.forEach((tx, txNum) => {
      if (tx.event && validation.codes[txNum] === peer.TxValidationCode.VALID) {
        eventsWriter.message(1, tx.event);
        eventCount++;
      }
    });
    const events = eventCount > 0 ? eventsWriter.uint(2, blockNumber).finish() : undefined;
    await this.store.commit({
      blockNumber,
      blockBytes: block.bytes,
      blockHash: block.hash,
      previousHash: currentBlockHash,
      txIndex: validation.firstOccurrences.map((txNum) => ({
        txId: txs[txNum]!.txId,
        txNum,
        code: validation.codes[txNum]!,
      })),
      stateWrites: validation.updates,
      ...(events ? { events } : {}),
    });
    const committed: CommittedBlock = {
      blockNumber,
      txs: txs.map((tx, txNum) => ({ txId: tx.txId, code: validation.codes[txNum]! })),
      events,
    };
    for (const listener of this.listeners) listener(committed);
  }
}
