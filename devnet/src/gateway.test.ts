import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { type Contract, EndorseError, GatewayError, type Network } from '@hyperledger/fabric-gateway';
import { common, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blockHeaderHash } from './blocks.js';
import { type Devnet, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { mint, parseResult, profileHash, register } from './testing/gx.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let network: Network;
let contract: Contract;
let qscc: Contract;

beforeAll(async () => {
  data = await temporaryDataDir();
  devnet = await startDevnet({ dataDir: data.dir, port: 0 });
  client = await connectClient(devnet.connectionDir);
  network = client.gateway.getNetwork('gx-channel');
  contract = network.getContract('gx');
  qscc = network.getContract('qscc');
});

afterAll(async () => {
  client?.close();
  await devnet?.stop();
  await data?.remove();
});

describe('connection files', () => {
  test('connection.json has exactly the documented shape, with the bound port', async () => {
    const profile = JSON.parse(
      await readFile(path.join(devnet.connectionDir, 'connection.json'), 'utf8'),
    ) as object;
    expect(Object.keys(profile)).toEqual(['endpoint', 'hostOverride', 'mspId', 'channel', 'chaincode']);
    expect(profile).toEqual({
      endpoint: `127.0.0.1:${devnet.port}`,
      hostOverride: 'localhost',
      mspId: 'GxMSP',
      channel: 'gx-channel',
      chaincode: 'gx',
    });
    expect(devnet.endpoint).toBe(`127.0.0.1:${devnet.port}`);
  });

  test('the client key is PKCS#8 and the TLS server certificate names localhost and 127.0.0.1', async () => {
    const key = await readFile(path.join(devnet.connectionDir, 'client-key.pem'), 'utf8');
    expect(key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(createPrivateKey(key).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const ca = await readFile(path.join(devnet.connectionDir, 'tls-ca.pem'));
    const subjectAltName = await new Promise<string>((resolve, reject) => {
      const socket = tlsConnect(
        { host: '127.0.0.1', port: devnet.port, servername: 'localhost', ca, ALPNProtocols: ['h2'] },
        () => {
          resolve(socket.getPeerCertificate().subjectaltname ?? '');
          socket.destroy();
        },
      );
      socket.on('error', reject);
    });
    expect(subjectAltName).toContain('DNS:localhost');
    expect(subjectAltName).toContain('IP Address:127.0.0.1');
  });
});

describe('the official client against devnet', () => {
  test('a submitted transaction commits and its event arrives with its command id', async () => {
    const events = await network.getChaincodeEvents('gx');
    try {
      const commandId = randomUUID();
      const profileId = randomUUID();
      const proposal = contract.newProposal('IdentityContract:CreateUser', {
        arguments: [commandId, profileId, randomUUID(), 'DE', 'INDIVIDUAL', profileHash],
      });
      const transaction = await proposal.endorse();
      const submitted = await transaction.submit();
      const status = await submitted.getStatus();
      expect(status.successful).toBe(true);
      expect(parseResult(submitted.getResult())).toMatchObject({ commandId, outcome: 'APPLIED' });

      for await (const event of events) {
        const payload = JSON.parse(Buffer.from(event.payload).toString()) as {
          commandId: string;
          profileId: string;
        };
        if (payload.commandId !== commandId) continue;
        expect(event.eventName).toBe('UserCreated');
        expect(event.chaincodeName).toBe('gx');
        expect(event.transactionId).toBe(transaction.getTransactionId());
        expect(event.blockNumber).toBe(status.blockNumber);
        expect(payload.profileId).toBe(profileId);
        break;
      }
    } finally {
      events.close();
    }
  });

  test('a batch commits with per-command outcomes', async () => {
    const { walletId } = await register(contract);
    const profileId = randomUUID();
    const newWallet = randomUUID();
    const commands = [
      {
        commandId: randomUUID(),
        type: 'REGISTER',
        args: { profileId, walletId: newWallet, country: 'FR', accountType: 'BUSINESS', profileHash },
      },
      { commandId: randomUUID(), type: 'MINT', args: { toWalletId: newWallet, amount: '50' } },
      {
        commandId: randomUUID(),
        type: 'TRANSFER',
        args: { fromWalletId: newWallet, toWalletId: walletId, amount: '20' },
      },
      {
        commandId: randomUUID(),
        type: 'TRANSFER',
        args: { fromWalletId: newWallet, toWalletId: walletId, amount: '31' },
      },
    ];
    const result = JSON.parse(
      Buffer.from(
        await contract.submitTransaction('BatchContract:ApplyCommands', JSON.stringify(commands)),
      ).toString(),
    ) as { results: { commandId: string; outcome: string; reason?: string }[] };
    expect(result.results.map((r) => r.outcome)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'REJECTED']);
    expect(result.results.map((r) => r.commandId)).toEqual(commands.map((c) => c.commandId));
  });

  test('a chaincode refusal reaches the client as EndorseError ABORTED with the message in its details', async () => {
    const unknownWallet = randomUUID();
    const error = await contract
      .submitTransaction('TokenomicsContract:Mint', randomUUID(), unknownWallet, '10')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndorseError);
    const endorseError = error as EndorseError;
    expect(endorseError.code).toBe(10);
    expect(endorseError.message).toContain(
      'failed to endorse transaction, see attached details for more info',
    );
    expect(endorseError.details).toHaveLength(1);
    expect(endorseError.details[0]).toMatchObject({ mspId: 'GxMSP', address: devnet.endpoint });
    expect(endorseError.details[0]?.message).toMatch(/^chaincode response 500, .*does not exist/);
  });

  test('the same refusal through evaluate is UNKNOWN, as Fabric reports it', async () => {
    const error = await contract
      .evaluateTransaction('TokenomicsContract:Mint', randomUUID(), randomUUID(), '10')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(2);
    expect((error as GatewayError).message).toContain(
      'evaluate call to endorser returned error: chaincode response 500, ',
    );
  });

  test('a repeated command id changes nothing', async () => {
    const { walletId } = await register(contract);
    const commandId = randomUUID();
    const first = await mint(contract, walletId, '100', commandId);
    expect(first).toMatchObject({ outcome: 'APPLIED', event: { payload: { toBalance: '100' } } });
    const events = await network.getChaincodeEvents('gx', { startBlock: BigInt(devnet.chainHeight()) });
    try {
      expect(await mint(contract, walletId, '100', commandId)).toEqual({
        commandId,
        outcome: 'ALREADY_APPLIED',
      });
      const next = await mint(contract, walletId, '1');
      expect(next).toMatchObject({ outcome: 'APPLIED', event: { payload: { toBalance: '101' } } });
      // The repeat set no event: the first event after it is the next mint's.
      for await (const event of events) {
        expect(JSON.parse(Buffer.from(event.payload).toString())).toMatchObject({
          commandId: next.commandId,
        });
        break;
      }
    } finally {
      events.close();
    }
  });

  test('qscc GetChainInfo reports the height and the hashes of the chain', async () => {
    const info = common.BlockchainInfo.deserializeBinary(
      await qscc.evaluateTransaction('GetChainInfo', 'gx-channel'),
    );
    expect(info.getHeight()).toBe(devnet.chainHeight());
    const last = common.Block.deserializeBinary(
      await qscc.evaluateTransaction('GetBlockByNumber', 'gx-channel', String(info.getHeight() - 1)),
    );
    const header = last.getHeader()!;
    expect(Buffer.from(info.getPreviousblockhash_asU8())).toEqual(Buffer.from(header.getPreviousHash_asU8()));
    expect(Buffer.from(info.getCurrentblockhash_asU8())).toEqual(
      blockHeaderHash(header.getNumber(), header.getPreviousHash_asU8(), header.getDataHash_asU8()),
    );
  });

  test('qscc GetTransactionByID answers a known transaction with its validation code and refuses an unknown id', async () => {
    const { walletId } = await register(contract);
    const submitted = await contract.submitAsync('TokenomicsContract:Mint', {
      arguments: [randomUUID(), walletId, '5'],
    });
    const status = await submitted.getStatus();
    const txId = submitted.getTransactionId();
    const processed = peer.ProcessedTransaction.deserializeBinary(
      await qscc.evaluateTransaction('GetTransactionByID', 'gx-channel', txId),
    );
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.VALID);
    const payload = common.Payload.deserializeBinary(processed.getTransactionenvelope()!.getPayload_asU8());
    expect(
      common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId(),
    ).toBe(txId);
    const block = common.Block.deserializeBinary(
      await qscc.evaluateTransaction('GetBlockByTxID', 'gx-channel', txId),
    );
    expect(block.getHeader()!.getNumber()).toBe(Number(status.blockNumber));

    const unknown = 'f'.repeat(64);
    const error = await qscc
      .evaluateTransaction('GetTransactionByID', 'gx-channel', unknown)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(2);
    expect((error as GatewayError).message).toContain(
      `chaincode response 500, Failed to get transaction with id ${unknown}, error no such transaction ID [${unknown}] in index`,
    );
  });

  test('an unknown chaincode is refused before endorsement', async () => {
    const error = await network
      .getContract('nonexistent')
      .submitTransaction('Anything')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndorseError);
    expect((error as EndorseError).code).toBe(9);
  });
});
