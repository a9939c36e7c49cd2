import type { ServerWritableStream } from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';
import type { CommittedBlock, Committer } from './committer.js';
import { ProtoWriter } from './protowire.js';
import type { LedgerStore } from './store.js';

export interface EventsRequest {
  chaincodeId: string;
  startBlock: number;
  /** Deliver only events after this transaction's (a checkpoint); empty for none. */
  afterTransactionId: string;
}

/** Stored events are read this many blocks at a time while a stream catches up. */
const readAhead = 64;

/**
 * The gateway's ChaincodeEvents streams: one response per block that has matching events of
 * valid transactions, in block order, from the requested start, then live, never ending on its
 * own. A stream catches up from the stored per-block events; once level with the chain it takes
 * each block's events from the commit itself. It writes only while the client keeps up (the
 * stream's `write` returning false stops it until 'drain', and the ledger remains the buffer),
 * so a slow client costs no memory.
 */
export class ChaincodeEventStreams {
  private readonly streams = new Set<EventStream>();

  constructor(
    private readonly store: LedgerStore,
    committer: Committer,
    private readonly chaincodeName: string,
  ) {
    committer.onCommit((block) => {
      for (const stream of this.streams) stream.committed(block);
    });
  }

  get open(): number {
    return this.streams.size;
  }

  serve(call: ServerWritableStream<unknown, Uint8Array>, request: EventsRequest): void {
    const stream = new EventStream(
      call,
      request,
      this.store,
      request.chaincodeId === this.chaincodeName,
      () => this.streams.delete(stream),
    );
    this.streams.add(stream);
    stream.start();
  }

  /** Ends every stream with the given error (devnet becoming unavailable). */
  endAll(error: Error): void {
    for (const stream of [...this.streams]) stream.fail(error);
  }
}

class EventStream {
  private nextBlock: number;
  private busy = false;
  private closed = false;
  private skippingUntil: string;

  constructor(
    private readonly call: ServerWritableStream<unknown, Uint8Array>,
    private readonly request: EventsRequest,
    private readonly store: LedgerStore,
    /** All stored events are this chaincode's: blocks can be sent as stored, without decoding. */
    private readonly allEventsMatch: boolean,
    private readonly onClose: () => void,
  ) {
    this.nextBlock = request.startBlock;
    this.skippingUntil = request.afterTransactionId;
    const close = () => this.close();
    call.on('cancelled', close);
    call.on('close', close);
    call.on('error', close);
  }

  start(): void {
    void this.pump();
  }

  committed(block: CommittedBlock): void {
    if (this.closed || this.busy || block.blockNumber < this.nextBlock) return;
    if (block.blockNumber > this.nextBlock) {
      void this.pump();
      return;
    }
    this.nextBlock = block.blockNumber + 1;
    const response = block.events ? this.select(block.events) : undefined;
    if (response && !this.call.write(response)) void this.pump(this.drained());
  }

  fail(error: Error): void {
    if (this.closed) return;
    this.close();
    this.call.emit('error', error);
  }

  /** Sends stored events from `nextBlock` until level with the chain; commits meanwhile are picked up by the loop. */
  private async pump(waitFirst?: Promise<void>): Promise<void> {
    if (this.busy || this.closed) return;
    this.busy = true;
    try {
      await waitFirst;
      while (!this.closed) {
        const height = this.store.chainInfo.height;
        if (this.nextBlock >= height) break;
        const stored = await this.store.eventsFrom(this.nextBlock, readAhead);
        for (const { blockNumber, events } of stored) {
          if (this.closed) return;
          this.nextBlock = blockNumber + 1;
          const response = this.select(events);
          if (response && !this.call.write(response)) await this.drained();
        }
        if (stored.length < readAhead) this.nextBlock = Math.max(this.nextBlock, height);
      }
    } catch (error) {
      this.fail(error as Error);
    } finally {
      this.busy = false;
    }
  }

  /** The response to send for a block's stored events, or nothing when none match. */
  private select(events: Uint8Array): Uint8Array | undefined {
    if (this.allEventsMatch && !this.skippingUntil) return events;
    const response = gateway.ChaincodeEventsResponse.deserializeBinary(events);
    const matching = response.getEventsList().filter((event) => {
      if (this.skippingUntil) {
        if (event.getTxId() === this.skippingUntil) this.skippingUntil = '';
        return false;
      }
      return event.getChaincodeId() === this.request.chaincodeId;
    });
    if (matching.length === 0) return undefined;
    const writer = new ProtoWriter();
    for (const event of matching) writer.message(1, event.serializeBinary());
    return writer.uint(2, response.getBlockNumber()).finish();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.call.off('close', done);
        this.call.off('cancelled', done);
        resolve();
      };
      this.call.on('drain', done);
      this.call.on('close', done);
      this.call.on('cancelled', done);
    });
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose();
  }
}
