import { type Contract, EndorseError, type Network } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { ProbeContract } from './testing/probeContract.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let network: Network;
let probe: Contract;

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();
let keys = 0;
const freshKey = () => `key-${++keys}`;

beforeAll(async () => {
  data = await temporaryDataDir();
  // Two transactions per block, cut by size: tests decide exactly what shares a block.
  devnet = await startDevnet({
    dataDir: data.dir,
    port: 0,
    contracts: [ProbeContract],
    batchSize: 2,
    batchTimeoutMs: 400,
    chaincodeTimeoutMs: 300,
  });
  client = await connectClient(devnet.connectionDir);
  network = client.gateway.getNetwork('gx-channel');
  probe = network.getContract('gx', 'ProbeContract');
});

afterAll(async () => {
  client?.close();
  await devnet?.stop();
  await data?.remove();
});

describe('simulation', () => {
  test('a transaction does not read its own writes; committed writes and deletes are seen afterwards', async () => {
    const key = freshKey();
    expect(text(await probe.submitTransaction('PutThenGet', key, 'v1'))).toBe('');
    expect(text(await probe.evaluateTransaction('Get', key))).toBe('v1');
    expect(text(await probe.submitTransaction('PutThenGet', key, 'v2'))).toBe('v1');
    await probe.submitTransaction('Delete', key);
    expect(text(await probe.evaluateTransaction('Get', key))).toBe('');
  });

  test("the contract sees the client's identity as its caller", async () => {
    const caller = JSON.parse(text(await probe.evaluateTransaction('Caller'))) as {
      mspId: string;
      id: string;
    };
    expect(caller.mspId).toBe('GxMSP');
    expect(caller.id).toContain('CN=User1@gx.example.com');
  });

  test('private data is refused, as on a channel without collections', async () => {
    const error = (await probe.submitTransaction('Private', 'k').catch((e: unknown) => e)) as EndorseError;
    expect(error).toBeInstanceOf(EndorseError);
    expect(error.details[0]?.message).toContain('collection config not defined for chaincode [gx]');
  });

  test('a contract that does not return fails like a chaincode execute timeout', async () => {
    const error = (await probe.submitTransaction('Stall').catch((e: unknown) => e)) as EndorseError;
    expect(error).toBeInstanceOf(EndorseError);
    expect(error.code).toBe(10);
    expect(error.details[0]?.message).toBe(
      'error in simulation: timeout expired while executing transaction',
    );
  });
});

describe('ordering and commit', () => {
  test('Submit returns once the transaction is accepted; the status waits for its block', async () => {
    const key = freshKey();
    const transaction = await probe.newProposal('Put', { arguments: [key, 'x'] }).endorse();
    const submitted = await transaction.submit();
    // Alone in its batch, it waits for the 400 ms batch timeout: the block is not cut yet.
    const heightWhenAccepted = devnet.chainHeight();
    const status = await submitted.getStatus();
    expect(status.successful).toBe(true);
    expect(status.blockNumber).toBe(BigInt(heightWhenAccepted));
  });

  test('in-block order decides: a read of a key written earlier in the same block is MVCC_READ_CONFLICT', async () => {
    const counter = freshKey();
    const events = await network.getChaincodeEvents('gx', { startBlock: BigInt(devnet.chainHeight()) });
    const first = await probe.newProposal('Increment', { arguments: [counter] }).endorse();
    const second = await probe.newProposal('Increment', { arguments: [counter] }).endorse();
    const [a, b] = [await first.submit(), await second.submit()];
    const [statusA, statusB] = [await a.getStatus(), await b.getStatus()];
    expect(statusA.blockNumber).toBe(statusB.blockNumber);
    expect(statusA.code).toBe(peer.TxValidationCode.VALID);
    expect(statusB.code).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT);
    try {
      // Only the valid transaction's event is delivered, in a response for that block.
      for await (const event of events) {
        expect(event.transactionId).toBe(first.getTransactionId());
        expect(event.blockNumber).toBe(statusA.blockNumber);
        break;
      }
    } finally {
      events.close();
    }

    // The same two reads in the other order: the reader goes first, so both are valid.
    const source = freshKey();
    await probe.submitTransaction('Put', source, '1');
    const copy = await probe.newProposal('Copy', { arguments: [source, freshKey()] }).endorse();
    const overwrite = await probe.newProposal('Increment', { arguments: [source] }).endorse();
    const [c, d] = [await copy.submit(), await overwrite.submit()];
    const [statusC, statusD] = [await c.getStatus(), await d.getStatus()];
    expect(statusC.blockNumber).toBe(statusD.blockNumber);
    expect([statusC.code, statusD.code]).toEqual([peer.TxValidationCode.VALID, peer.TxValidationCode.VALID]);

    const late = await probe.newProposal('Copy', { arguments: [source, freshKey()] }).endorse();
    await probe.submitTransaction('Increment', source);
    expect((await (await late.submit()).getStatus()).code).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT);
  });
});
