import { Writable } from 'node:stream';
import type { ServerWritableStream } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Committer } from './committer.js';
import type { OrderedTx } from './envelope.js';
import { ChaincodeEventStreams } from './events.js';
import { LedgerStore } from './store.js';
import { temporaryDataDir } from './testing/client.js';
import { encodeChaincodeEvent } from './transactionBuilder.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let store: LedgerStore;
let committer: Committer;
let streams: ChaincodeEventStreams;
let sequence = 0;

beforeAll(async () => {
  data = await temporaryDataDir();
  store = await LedgerStore.open(`${data.dir}/ledger`);
  committer = new Committer(store, (error) => {
    throw error;
  });
  await committer.init('gx-channel');
  streams = new ChaincodeEventStreams(store, committer, 'gx');
});

afterAll(async () => {
  await store?.close();
  await data?.remove();
});

/** Commits one block per call, each with one transaction that set an event named by its sequence. */
async function commitBlocks(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const txId = `tx-${++sequence}`;
    const tx: OrderedTx = {
      txId,
      envelope: Buffer.from(txId),
      precheck: peer.TxValidationCode.VALID,
      rwsets: [],
      event: encodeChaincodeEvent('gx', txId, `event-${sequence}`, Buffer.from('payload')),
    };
    committer.submit([tx]);
    await committer.drain();
  }
}

/** A server stream whose client reads only when told to: writes complete one by one, on `release`. */
function slowCall() {
  const pending: (() => void)[] = [];
  const received: string[] = [];
  const call = new Writable({
    objectMode: true,
    highWaterMark: 2,
    write(chunk: Uint8Array, _encoding, done) {
      const response = gateway.ChaincodeEventsResponse.deserializeBinary(chunk);
      for (const event of response.getEventsList()) received.push(event.getEventName());
      pending.push(() => done());
    },
  });
  return {
    call: call as unknown as ServerWritableStream<unknown, Uint8Array>,
    /** Responses accepted by the stream and not yet taken by the client. */
    buffered: () => call.writableLength,
    received,
    release: () => {
      for (const done of pending.splice(0)) done();
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('ChaincodeEventStreams', () => {
  test('a stalled client is sent only what its stream buffers; released, it gets every block once, in order', async () => {
    const start = store.chainInfo.height;
    await commitBlocks(5);
    const client = slowCall();
    streams.serve(client.call, { chaincodeId: 'gx', startBlock: start, afterTransactionId: '' });
    await settle();
    await commitBlocks(20);
    await settle();
    // The stream holds at most its high-water mark; the rest waits in the ledger, not in memory.
    expect(client.received).toHaveLength(1);
    expect(client.buffered()).toBeLessThanOrEqual(2);
    const expected = Array.from({ length: 25 }, (_, i) => `event-${sequence - 24 + i}`);
    for (let round = 0; round < 50 && client.received.length < expected.length; round++) {
      client.release();
      await settle();
    }
    expect(client.received).toEqual(expected);
    await commitBlocks(2);
    for (let round = 0; round < 10 && client.received.length < expected.length + 2; round++) {
      client.release();
      await settle();
    }
    expect(client.received.slice(-3)).toEqual([
      `event-${sequence - 2}`,
      `event-${sequence - 1}`,
      `event-${sequence}`,
    ]);
    client.call.destroy();
    await settle();
    expect(streams.open).toBe(0);
  });

  test('after a transaction id, delivery starts with the next event of the same block', async () => {
    const block = store.chainInfo.height;
    const txs: OrderedTx[] = ['a', 'b', 'c'].map((name) => ({
      txId: `same-block-${name}`,
      envelope: Buffer.from(name),
      precheck: peer.TxValidationCode.VALID,
      rwsets: [],
      event: encodeChaincodeEvent('gx', `same-block-${name}`, name, new Uint8Array()),
    }));
    committer.submit(txs);
    await committer.drain();
    const client = slowCall();
    streams.serve(client.call, { chaincodeId: 'gx', startBlock: block, afterTransactionId: 'same-block-a' });
    await settle();
    client.release();
    await settle();
    expect(client.received).toEqual(['b', 'c']);
    client.call.destroy();
  });
});
