import { randomUUID } from 'node:crypto';
import type { Contract, EndorseError } from '@hyperledger/fabric-gateway';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { register } from './testing/gx.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let contract: Contract;

beforeAll(async () => {
  data = await temporaryDataDir();
  devnet = await startDevnet({ dataDir: data.dir, port: 0, operatorMspId: 'RegulatorMSP' });
  client = await connectClient(devnet.connectionDir);
  contract = client.gateway.getNetwork('gx-channel').getContract('gx');
});

afterAll(async () => {
  client?.close();
  await devnet?.stop();
  await data?.remove();
});

describe('the chaincode as devnet hosts it', () => {
  test('the operator setting reaches the contracts: a GxMSP caller may not mint when another MSP operates', async () => {
    const { walletId } = await register(contract);
    const error = (await contract
      .submitTransaction('TokenomicsContract:Mint', randomUUID(), walletId, '1')
      .catch((e: unknown) => e)) as EndorseError;
    expect(error.details[0]?.message).toBe(
      'chaincode response 500, Mint is only for the operator (MSP RegulatorMSP), caller is GxMSP',
    );
  });

  test("the chaincode's metadata answers, as on a peer", async () => {
    const metadata = JSON.parse(
      Buffer.from(await contract.evaluateTransaction('org.hyperledger.fabric:GetMetadata')).toString(),
    ) as { contracts: Record<string, unknown> };
    expect(Object.keys(metadata.contracts)).toEqual(
      expect.arrayContaining(['IdentityContract', 'TokenomicsContract', 'BatchContract']),
    );
  });
});
