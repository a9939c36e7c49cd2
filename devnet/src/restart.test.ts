import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type ChaincodeEvent, checkpointers, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, type DevnetOptions, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir, waitForReady } from './testing/client.js';
import { register } from './testing/gx.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let options: DevnetOptions;

const contract = () => client.gateway.getNetwork('gx-channel').getContract('gx');
const network = () => client.gateway.getNetwork('gx-channel');

async function restart(): Promise<void> {
  await devnet.stop();
  devnet = await startDevnet(options);
  await waitForReady(client);
}

/** The first `count` events of a stream, then the stream is closed. */
async function take(events: AsyncIterable<ChaincodeEvent> & { close(): void }, count: number) {
  const taken: ChaincodeEvent[] = [];
  try {
    for await (const event of events) {
      taken.push(event);
      if (taken.length === count) break;
    }
  } finally {
    events.close();
  }
  return taken;
}

const summary = (event: ChaincodeEvent) => ({
  blockNumber: event.blockNumber,
  transactionId: event.transactionId,
  eventName: event.eventName,
  payload: Buffer.from(event.payload).toString(),
});

beforeAll(async () => {
  data = await temporaryDataDir();
  // A longer batch timeout lets concurrent submissions share a block.
  options = { dataDir: data.dir, port: 0, batchTimeoutMs: 150 };
  devnet = await startDevnet(options);
  options.port = devnet.port;
  client = await connectClient(devnet.connectionDir);
});

afterAll(async () => {
  client?.close();
  await devnet?.stop();
  await data?.remove();
});

describe('persistence', () => {
  test('a restart keeps the chain; events replay from block 0 and from a checkpoint', async () => {
    const wallets = [];
    for (let i = 0; i < 4; i++) wallets.push((await register(contract())).walletId);
    await Promise.all(
      wallets.map((walletId) =>
        contract().submitTransaction('TokenomicsContract:Mint', randomUUID(), walletId, '1'),
      ),
    );
    const height = devnet.chainHeight();
    const identityFiles = () =>
      Promise.all(
        ['client-cert.pem', 'client-key.pem', 'tls-ca.pem'].map((f) =>
          readFile(path.join(devnet.connectionDir, f), 'utf8'),
        ),
      );
    const identitiesBefore = await identityFiles();
    const before = (await take(await network().getChaincodeEvents('gx', { startBlock: 0n }), 8)).map(summary);
    expect(new Set(before.map((e) => e.blockNumber)).size).toBeLessThan(8);

    await restart();
    expect(devnet.chainHeight()).toBe(height);
    expect(await identityFiles()).toEqual(identitiesBefore);
    const replayed = (await take(await network().getChaincodeEvents('gx', { startBlock: 0n }), 8)).map(
      summary,
    );
    expect(replayed).toEqual(before);

    // Resume after each event in turn, including from the middle of a block.
    for (let i = 0; i < before.length - 1; i++) {
      const checkpointer = checkpointers.inMemory();
      await checkpointer.checkpointChaincodeEvent({
        ...before[i]!,
        chaincodeName: 'gx',
        payload: Buffer.from(before[i]!.payload),
      });
      const resumed = await take(await network().getChaincodeEvents('gx', { checkpoint: checkpointer }), 1);
      expect(summary(resumed[0]!)).toEqual(before[i + 1]);
    }
  });

  test('a stopped devnet answers UNAVAILABLE, and the same client is served again after a restart', async () => {
    await devnet.stop();
    const evaluated = await contract()
      .evaluateTransaction('TokenomicsContract:Mint', randomUUID(), randomUUID(), '1')
      .catch((e: unknown) => e);
    expect(evaluated).toBeInstanceOf(GatewayError);
    expect((evaluated as GatewayError).code).toBe(14);
    const submitted = await contract()
      .submitTransaction('TokenomicsContract:Mint', randomUUID(), randomUUID(), '1')
      .catch((e: unknown) => e);
    expect(submitted).toBeInstanceOf(EndorseError);
    expect((submitted as EndorseError).code).toBe(14);

    devnet = await startDevnet(options);
    await waitForReady(client);
    const { walletId } = await register(contract());
    expect(walletId).toBeTruthy();
  });

  test('transactions accepted before a stop under load are committed', async () => {
    const { walletId } = await register(contract());
    const accepted: string[] = [];
    const attempts = Array.from({ length: 40 }, async (_, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 5));
      try {
        const submitted = await contract().submitAsync('TokenomicsContract:Mint', {
          arguments: [randomUUID(), walletId, '1'],
        });
        accepted.push(submitted.getTransactionId());
      } catch {
        // Refused while stopping: never accepted, so nothing to find.
      }
    });
    // Stop while submissions are still arriving, once some have been accepted.
    await expect.poll(() => accepted.length, { timeout: 10_000, interval: 5 }).toBeGreaterThanOrEqual(3);
    await restart();
    await Promise.all(attempts);
    expect(accepted.length).toBeGreaterThan(0);
    const qscc = network().getContract('qscc');
    for (const txId of accepted) {
      const processed = peer.ProcessedTransaction.deserializeBinary(
        await qscc.evaluateTransaction('GetTransactionByID', 'gx-channel', txId),
      );
      // Mints racing on one wallet: each is on the chain, valid or refused by MVCC, none lost.
      expect([peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]).toContain(
        processed.getValidationcode(),
      );
    }
  });

  test('a start that cannot bind its port fails, leaving its ledger free for the next start', async () => {
    const other = await temporaryDataDir();
    try {
      await expect(startDevnet({ dataDir: other.dir, port: devnet.port })).rejects.toThrow(/EADDRINUSE/);
      const second = await startDevnet({ dataDir: other.dir, port: 0 });
      expect(second.chainHeight()).toBe(1);
      await second.stop();
    } finally {
      await other.remove();
    }
  });
});
