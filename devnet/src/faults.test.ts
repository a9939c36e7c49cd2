import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type Contract, GatewayError, type Network } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { register } from './testing/gx.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let network: Network;
let contract: Contract;
let walletId: string;

const evaluateMint = () =>
  contract.evaluateTransaction('TokenomicsContract:Mint', randomUUID(), walletId, '1');

beforeAll(async () => {
  data = await temporaryDataDir();
  devnet = await startDevnet({ dataDir: data.dir, port: 0, controlPort: 0, batchTimeoutMs: 300 });
  client = await connectClient(devnet.connectionDir);
  network = client.gateway.getNetwork('gx-channel');
  contract = network.getContract('gx');
  ({ walletId } = await register(contract));
});

afterAll(async () => {
  client?.close();
  await devnet?.stop();
  await data?.remove();
});

describe('injected faults', () => {
  test('a delay fault delays every call until cleared', async () => {
    devnet.setFault({ delayMs: 600 });
    let startedAt = Date.now();
    await evaluateMint();
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(600);
    devnet.setFault({});
    startedAt = Date.now();
    await evaluateMint();
    expect(Date.now() - startedAt).toBeLessThan(600);
  });

  test('an unavailable fault refuses calls, ends event streams and status waits with UNAVAILABLE', async () => {
    const events = await network.getChaincodeEvents('gx');
    const pendingEvent = events[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    const submitted = await contract.submitAsync('TokenomicsContract:Mint', {
      arguments: [randomUUID(), walletId, '1'],
    });
    const pendingStatus = submitted.getStatus().catch((e: unknown) => e);

    devnet.setFault({ unavailable: true });
    for (const outcome of [
      await pendingEvent,
      await pendingStatus,
      await evaluateMint().catch((e: unknown) => e),
    ]) {
      expect(outcome).toBeInstanceOf(GatewayError);
      expect((outcome as GatewayError).code).toBe(14);
    }
    events.close();

    devnet.setFault({});
    expect((await submitted.getStatus()).successful).toBe(true);
  });

  test('the control endpoint sets and clears faults from another process', async () => {
    const control = JSON.parse(await readFile(path.join(devnet.connectionDir, 'control.json'), 'utf8')) as {
      url: string;
    };
    expect(control.url).toBe(devnet.controlUrl);
    const put = await fetch(`${control.url}/fault`, {
      method: 'PUT',
      body: JSON.stringify({ unavailable: true }),
    });
    expect(await put.json()).toEqual({ delayMs: 0, unavailable: true });
    expect(((await evaluateMint().catch((e: unknown) => e)) as GatewayError).code).toBe(14);
    await fetch(`${control.url}/fault`, { method: 'DELETE' });
    await evaluateMint();
    const status = (await (await fetch(`${control.url}/status`)).json()) as {
      height: number;
      endpoint: string;
    };
    expect(status).toMatchObject({ height: devnet.chainHeight(), endpoint: devnet.endpoint });
    const bad = await fetch(`${control.url}/fault`, { method: 'PUT', body: '{"delayMs":-1}' });
    expect(bad.status).toBe(400);
  });
});
