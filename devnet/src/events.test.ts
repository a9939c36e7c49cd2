import type { ChaincodeEvent, Contract, Network } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { ProbeContract } from './testing/probeContract.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let network: Network;
let probe: Contract;

beforeAll(async () => {
  data = await temporaryDataDir();
  devnet = await startDevnet({ dataDir: data.dir, port: 0, contracts: [ProbeContract] });
  client = await connectClient(devnet.connectionDir);
  network = client.gateway.getNetwork('gx-channel');
  probe = network.getContract('gx', 'ProbeContract');
});

afterAll(async () => {
  client?.close();
  await devnet?.stop();
  await data?.remove();
});

const sequenceOf = (event: ChaincodeEvent) => Number(Buffer.from(event.payload).toString().split(':')[0]);

/** Commits `count` transactions that each set one event, 32 at a time; answers their transaction ids in sequence order. */
async function emit(from: number, count: number, size: number): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        const i = next++;
        const submitted = await probe.submitAsync('Emit', { arguments: [String(from + i), String(size)] });
        ids[i] = submitted.getTransactionId();
        expect((await submitted.getStatus()).successful).toBe(true);
      }
    }),
  );
  return ids;
}

describe('chaincode event streams', () => {
  test('a client that stops reading holds the stream back; once it reads on, every event arrives once, in block order', async () => {
    const firstBlock = BigInt(devnet.chainHeight());
    const events = await network.getChaincodeEvents('gx', { startBlock: firstBlock });
    const iterator = events[Symbol.asyncIterator]();
    // Read one event, then stall while far more than the HTTP/2 window of events is committed.
    const ids = await emit(0, 1, 16);
    expect((await iterator.next()).value?.transactionId).toBe(ids[0]);
    const later = await emit(1, 60, 4096);

    const received: ChaincodeEvent[] = [];
    while (received.length < later.length) {
      const { value, done } = await iterator.next();
      if (done) break;
      received.push(value);
    }
    events.close();
    expect(received.map((e) => e.transactionId).sort()).toEqual([...later].sort());
    const blocks = received.map((e) => e.blockNumber);
    expect(blocks).toEqual([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(received.map(sequenceOf)).size).toBe(60);
  });

  test('a stream from a block in the middle of the chain starts there and continues live', async () => {
    const ids = await emit(1000, 3, 8);
    const first = await probe.submitAsync('Emit', { arguments: ['2000', '8'] });
    const { blockNumber } = await first.getStatus();
    const events = await network.getChaincodeEvents('gx', { startBlock: blockNumber });
    const live = emit(3000, 2, 8);
    const seen: string[] = [];
    for await (const event of events) {
      expect(event.blockNumber >= blockNumber).toBe(true);
      seen.push(event.transactionId);
      if (seen.length === 3) break;
    }
    events.close();
    expect(seen[0]).toBe(first.getTransactionId());
    expect(seen.slice(1).sort()).toEqual((await live).sort());
    expect(seen).not.toContain(ids[0]);
  });
});
