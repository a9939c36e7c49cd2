import { createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { status as grpcStatus, Metadata } from '@grpc/grpc-js';
import {
  CommitStatusError,
  type Contract,
  connect,
  EndorseError,
  GatewayError,
  hash,
  type Network,
  type SubmitError,
  signers,
} from '@hyperledger/fabric-gateway';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCertificateAuthority, issueCertificate } from './crypto/ca.js';
import { type Devnet, startDevnet } from './index.js';
import { serializeIdentity } from './msp.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { register } from './testing/gx.js';

let data: Awaited<ReturnType<typeof temporaryDataDir>>;
let devnet: Devnet;
let client: TestClient;
let network: Network;
let contract: Contract;
let walletId: string;

const foreignSigner = signers.newPrivateKeySigner(
  generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
);
const denied = 'error validating proposal: access denied: channel [gx-channel] creator org [GxMSP]';

beforeAll(async () => {
  data = await temporaryDataDir();
  devnet = await startDevnet({ dataDir: data.dir, port: 0 });
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

const mintProposal = () =>
  contract.newProposal('TokenomicsContract:Mint', { arguments: [randomUUID(), walletId, '1'] });

/** A gateway connection for another identity, over the same gRPC connection. */
function gatewayAs(mspId: string, certPem: string, keyPem: string) {
  return connect({
    client: client.grpc,
    identity: { mspId, credentials: Buffer.from(certPem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(keyPem)),
    hash: hash.sha256,
  });
}

describe('proposals', () => {
  test('a proposal signed with another key is refused: FAILED_PRECONDITION on evaluate, ABORTED on endorse', async () => {
    const proposal = mintProposal();
    const signature = await foreignSigner(proposal.getDigest());

    const evaluated = await client.gateway
      .newSignedProposal(proposal.getBytes(), signature)
      .evaluate()
      .catch((e: unknown) => e);
    expect(evaluated).toBeInstanceOf(GatewayError);
    expect((evaluated as GatewayError).code).toBe(grpcStatus.FAILED_PRECONDITION);
    expect((evaluated as GatewayError).message).toContain(
      `evaluate call to endorser returned error: ${denied}`,
    );
    expect((evaluated as GatewayError).details[0]?.message).toBe(denied);

    const endorsed = await client.gateway
      .newSignedProposal(proposal.getBytes(), signature)
      .endorse()
      .catch((e: unknown) => e);
    expect(endorsed).toBeInstanceOf(EndorseError);
    expect((endorsed as EndorseError).code).toBe(grpcStatus.ABORTED);
    expect((endorsed as EndorseError).transactionId).toBe(proposal.getTransactionId());
    expect((endorsed as EndorseError).details[0]?.message).toBe(denied);
  });

  test('a tampered signature is refused', async () => {
    const proposal = mintProposal();
    const signature = Buffer.from(await client.signer(proposal.getDigest()));
    signature[signature.length - 1]! ^= 0x01;
    const error = await client.gateway
      .newSignedProposal(proposal.getBytes(), signature)
      .endorse()
      .catch((e: unknown) => e);
    expect((error as EndorseError).details[0]?.message).toBe(denied);
  });

  test('a creator certificate not issued by the organisation CA is refused', async () => {
    const foreignCa = await createCertificateAuthority('CN=ca.elsewhere.example.com');
    const impostor = await issueCertificate(foreignCa, {
      subject: 'CN=User1@gx.example.com',
      usage: 'signing',
    });
    const intruder = gatewayAs('GxMSP', impostor.certPem, impostor.keyPem);
    const error = await intruder
      .getNetwork('gx-channel')
      .getContract('gx')
      .submitTransaction('TokenomicsContract:Mint', randomUUID(), walletId, '1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndorseError);
    expect((error as EndorseError).details[0]?.message).toBe(denied);
  });

  test('a creator of an unknown MSP is refused as malformed', async () => {
    const key = await readFile(path.join(devnet.connectionDir, 'client-key.pem'), 'utf8');
    const stranger = gatewayAs('OtherMSP', client.identity.credentials.toString(), key);
    const error = await stranger
      .getNetwork('gx-channel')
      .getContract('gx')
      .evaluateTransaction('TokenomicsContract:Mint', randomUUID(), walletId, '1')
      .catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe(grpcStatus.FAILED_PRECONDITION);
    expect((error as GatewayError).details[0]?.message).toBe(
      'error validating proposal: access denied: channel [gx-channel] creator org unknown, creator is malformed',
    );
  });

  test('a transaction id that is not the hash of nonce and creator is refused', async () => {
    const proposal = mintProposal();
    const proposed = gateway.ProposedTransaction.deserializeBinary(proposal.getBytes());
    const signed = proposed.getProposal()!;
    const body = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
    const header = common.Header.deserializeBinary(body.getHeader_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const forgedId = '0'.repeat(64);
    channelHeader.setTxId(forgedId);
    header.setChannelHeader(channelHeader.serializeBinary());
    body.setHeader(header.serializeBinary());
    signed.setProposalBytes(body.serializeBinary());
    proposed.setTransactionId(forgedId);
    const digest = hash.sha256(signed.getProposalBytes_asU8());
    const error = await client.gateway
      .newSignedProposal(proposed.serializeBinary(), await client.signer(digest))
      .evaluate()
      .catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe(grpcStatus.FAILED_PRECONDITION);
    expect((error as GatewayError).details[0]?.message).toMatch(
      /^error validating proposal: incorrectly computed txid '0{64}' -- expected '[0-9a-f]{64}'$/,
    );
  });

  test('an unsigned proposal is refused (empty signature bytes)', async () => {
    const proposed = gateway.ProposedTransaction.deserializeBinary(mintProposal().getBytes());
    const request = new gateway.EndorseRequest();
    request.setTransactionId(proposed.getTransactionId());
    request.setChannelId('gx-channel');
    request.setProposedTransaction(proposed.getProposal());
    const error = await rawCall('Endorse', request.serializeBinary());
    expect(error?.code).toBe(grpcStatus.ABORTED);
    expect(error?.metadata.get('grpc-status-details-bin')[0]?.toString()).toContain(
      'error validating proposal: empty signature bytes',
    );
  });

  test('a proposal whose transaction id is already on the chain is refused as a duplicate', async () => {
    const proposal = mintProposal();
    const signature = await client.signer(proposal.getDigest());
    const transaction = await client.gateway.newSignedProposal(proposal.getBytes(), signature).endorse();
    await (await transaction.submit()).getStatus();
    const error = await client.gateway
      .newSignedProposal(proposal.getBytes(), signature)
      .endorse()
      .catch((e: unknown) => e);
    expect((error as EndorseError).details[0]?.message).toMatch(
      new RegExp(
        `^duplicate transaction found \\[${proposal.getTransactionId()}\\]\\. Creator \\[[0-9a-f]+\\]$`,
      ),
    );
  });
});

describe('transactions', () => {
  test('an envelope signed with another key is refused by ordering (FORBIDDEN)', async () => {
    const transaction = await mintProposal().endorse();
    const signature = await foreignSigner(transaction.getDigest());
    const error = await client.gateway
      .newSignedTransaction(transaction.getBytes(), signature)
      .submit()
      .catch((e: unknown) => e);
    expect((error as SubmitError).name).toBe('SubmitError');
    expect((error as SubmitError).code).toBe(grpcStatus.ABORTED);
    expect((error as SubmitError).message).toContain(
      'received unsuccessful response from orderer: status=FORBIDDEN',
    );
  });

  test('an unsigned envelope is refused', async () => {
    const transaction = await mintProposal().endorse();
    const prepared = gateway.PreparedTransaction.deserializeBinary(transaction.getBytes());
    const request = new gateway.SubmitRequest();
    request.setTransactionId(prepared.getTransactionId());
    request.setChannelId('gx-channel');
    request.setPreparedTransaction(prepared.getEnvelope());
    const error = await rawCall('Submit', request.serializeBinary());
    expect(error?.code).toBe(grpcStatus.INVALID_ARGUMENT);
    expect(error?.details).toBe('prepared transaction must be signed');
  });

  test('a response changed after endorsement, or an endorsement not by a peer, fails ENDORSEMENT_POLICY_FAILURE', async () => {
    const rewrite = async (change: (action: peer.ChaincodeEndorsedAction) => Promise<void>) => {
      const transaction = await mintProposal().endorse();
      const prepared = gateway.PreparedTransaction.deserializeBinary(transaction.getBytes());
      const envelope = prepared.getEnvelope()!;
      const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
      const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
      const action = tx.getActionsList()[0]!;
      const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
      const endorsed = actionPayload.getAction()!;
      await change(endorsed);
      actionPayload.setAction(endorsed);
      action.setPayload(actionPayload.serializeBinary());
      payload.setData(tx.serializeBinary());
      envelope.setPayload(payload.serializeBinary());
      const status = await (
        await client.gateway.newTransaction(prepared.serializeBinary()).submit()
      ).getStatus();
      return status.code;
    };

    const changedResponse = await rewrite(async (endorsed) => {
      const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
        endorsed.getProposalResponsePayload_asU8(),
      );
      const action = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
      action.getResponse()!.setPayload(Buffer.from('{"outcome":"APPLIED","forged":true}'));
      responsePayload.setExtension$(action.serializeBinary());
      endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
    });
    expect(changedResponse).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);

    const selfEndorsed = await rewrite(async (endorsed) => {
      const endorsement = endorsed.getEndorsementsList()[0]!;
      const clientIdentity = serializeIdentity('GxMSP', client.identity.credentials.toString());
      const signed = Buffer.concat([endorsed.getProposalResponsePayload_asU8(), clientIdentity]);
      endorsement.setEndorser(clientIdentity);
      endorsement.setSignature(await client.signer(hash.sha256(signed)));
    });
    expect(selfEndorsed).toBe(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
  });

  test('a commit status or events request signed with another key is PERMISSION_DENIED', async () => {
    const submitted = await mintProposal()
      .endorse()
      .then((t) => t.submit());
    const error = await client.gateway
      .newSignedCommit(submitted.getBytes(), await foreignSigner(submitted.getDigest()))
      .getStatus()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitStatusError);
    expect((error as CommitStatusError).code).toBe(grpcStatus.PERMISSION_DENIED);

    const request = network.newChaincodeEventsRequest('gx');
    const events = await client.gateway
      .newSignedChaincodeEventsRequest(request.getBytes(), await foreignSigner(request.getDigest()))
      .getEvents();
    const streamed = await events[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect((streamed as GatewayError).code).toBe(grpcStatus.PERMISSION_DENIED);
    events.close();
  });
});

/** A call at the gRPC level, for requests the official client never sends. */
function rawCall(method: string, request: Uint8Array) {
  return new Promise<(Error & { code: number; details: string; metadata: Metadata }) | undefined>(
    (resolve) => {
      client.grpc.makeUnaryRequest(
        `/gateway.Gateway/${method}`,
        (bytes: Uint8Array) => Buffer.from(bytes),
        (bytes: Buffer) => bytes,
        request,
        new Metadata(),
        { deadline: Date.now() + 10_000 },
        (error) =>
          resolve(error as (Error & { code: number; details: string; metadata: Metadata }) | undefined),
      );
    },
  );
}
