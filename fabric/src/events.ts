import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import type { LedgerCheckpoint } from './checkpoint.js';

export interface LedgerEvent {
  blockNumber: bigint;
  transactionId: string;
  eventName: string;
  payload: Uint8Array;
}

export interface LedgerEvents extends AsyncIterable<LedgerEvent> {
  /** Ends the iteration and the underlying stream. */
  close(): void;
}

type OpenStream = (from: LedgerCheckpoint) => Promise<AsyncIterable<ChaincodeEvent> & { close(): void }>;

const maxReconnectDelayMs = 5_000;

/**
 * Reads chaincode events from `from` on, reopening the stream after a drop strictly after the
 * last event it delivered. A Fabric event stream never ends by itself, so an end is a drop too.
 */
export function readEvents(open: OpenStream, from: LedgerCheckpoint, reconnectDelayMs: number): LedgerEvents {
  let closed = false;
  let stream: { close(): void } | undefined;
  let position = from;

  async function* generate(): AsyncGenerator<LedgerEvent> {
    let delay = reconnectDelayMs;
    try {
      while (!closed) {
        try {
          const opened = await open(position);
          stream = opened;
          if (closed) return;
          for await (const event of opened) {
            delay = reconnectDelayMs;
            position = { blockNumber: event.blockNumber, transactionId: event.transactionId };
            yield {
              blockNumber: event.blockNumber,
              transactionId: event.transactionId,
              eventName: event.eventName,
              payload: event.payload,
            };
          }
        } catch (error) {
          if (closed) return;
          void error; // the stream dropped: reopen below from the last delivered event
        } finally {
          stream?.close();
          stream = undefined;
        }
        if (closed) return;
        await sleep(delay);
        delay = Math.min(delay * 2, maxReconnectDelayMs);
      }
    } finally {
      closed = true;
    }
  }

  const iterator = generate();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close() {
      closed = true;
      stream?.close();
    },
  };
}

const stillWaiting = Symbol('still waiting');

/**
 * Groups events that arrived together (one block's events come in one response): the projector
 * applies each group in one database transaction. A group never splits a block that arrived
 * whole, and may hold several blocks when the projector is behind.
 */
export async function* arrivedTogether(events: AsyncIterable<LedgerEvent>): AsyncGenerator<LedgerEvent[]> {
  const iterator = events[Symbol.asyncIterator]();
  let pending = iterator.next();
  for (;;) {
    const first = await pending;
    if (first.done) return;
    const group = [first.value];
    pending = iterator.next();
    for (;;) {
      const next = await Promise.race([
        pending,
        new Promise<typeof stillWaiting>((resolve) => setImmediate(resolve, stillWaiting)),
      ]);
      if (next === stillWaiting) break;
      if (next.done) {
        yield group;
        return;
      }
      group.push(next.value);
      pending = iterator.next();
    }
    yield group;
  }
}
