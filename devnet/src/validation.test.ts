import { createHash, randomUUID, verify, X509Certificate } from 'node:crypto';
import type { Contract, Network, Transaction } from '@hyperledger/fabric-gateway';
import { common, gateway, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Devnet, startDevnet } from './index.js';
import { connectClient, type TestClient, temporaryDataDir } from './testing/client.js';
import { mint, register } from './testing/gx.js';

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

/** The parts of a prepared transaction's envelope that a peer's committer looks at. */
function openEnvelope(prepared: Transaction) {
  const envelope = gateway.PreparedTransaction.deserializeBinary(prepared.getBytes()).getEnvelope()!;
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  const action = transaction.getActionsList()[0]!;
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const endorsed = actionPayload.getAction()!;
  const responsePayload = peer.ProposalResponsePayload.deserializeBinary(
    endorsed.getProposalResponsePayload_asU8(),
  );
  const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
  const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(chaincodeAction.getResults_asU8());
  const ns = rwset.getNsRwsetList()[0]!;
  const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
  return {
    envelope,
    payload,
    transaction,
    action,
    actionPayload,
    endorsed,
    responsePayload,
    chaincodeAction,
    ns,
    kv,
  };
}

describe('endorsement results', () => {
  test('the read/write set records every key read with the version it saw, and the writes', async () => {
    const { walletId } = await register(contract);
    const created = await qscc.evaluateTransaction('GetChainInfo', 'gx-channel');
    const walletBlock = common.BlockchainInfo.deserializeBinary(created).getHeight() - 1;

    const commandId = randomUUID();
    const transaction = await contract
      .newProposal('TokenomicsContract:Mint', { arguments: [commandId, walletId, '7'] })
      .endorse();
    const prepared = openEnvelope(transaction);
    expect(prepared.ns.getNamespace()).toBe('gx');
    const reads = new Map(
      prepared.kv.getReadsList().map((read) => [read.getKey(), read.getVersion()?.toObject() ?? null]),
    );
    const walletReads = [...reads].filter(([key]) => key.includes(walletId));
    expect(walletReads.length).toBeGreaterThan(0);
    for (const [, version] of walletReads) expect(version).toEqual({ blockNum: walletBlock, txNum: 0 });
    const commandReads = [...reads].filter(([key, version]) => key.includes(commandId) && version === null);
    expect(commandReads.length).toBeGreaterThan(0);
    const writes = prepared.kv.getWritesList().map((write) => write.getKey());
    expect(writes.some((key) => key.includes(walletId))).toBe(true);
    expect(writes.some((key) => key.includes(commandId))).toBe(true);
    const sortedReads = [...reads.keys()];
    expect(sortedReads).toEqual(
      [...sortedReads].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))),
    );

    const event = peer.ChaincodeEvent.deserializeBinary(prepared.chaincodeAction.getEvents_asU8());
    expect(event.getChaincodeId()).toBe('gx');
    expect(event.getTxId()).toBe(transaction.getTransactionId());
    expect(event.getEventName()).toBe('TransferCompleted');
    expect(prepared.chaincodeAction.getResponse()?.getStatus()).toBe(200);
    expect(prepared.chaincodeAction.getChaincodeId()?.getName()).toBe('gx');
    await (await transaction.submit()).getStatus();
  });

  test('the prepared transaction reuses the proposal header and carries a valid peer endorsement', async () => {
    const { walletId } = await register(contract);
    const proposal = contract.newProposal('TokenomicsContract:Mint', {
      arguments: [randomUUID(), walletId, '3'],
    });
    const proposedTx = gateway.ProposedTransaction.deserializeBinary(proposal.getBytes());
    const signedProposal = proposedTx.getProposal()!;
    const original = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
    const transaction = await proposal.endorse();
    const prepared = openEnvelope(transaction);
    const header = prepared.payload.getHeader()!;
    expect(Buffer.from(header.serializeBinary())).toEqual(Buffer.from(original.getHeader_asU8()));
    expect(Buffer.from(prepared.action.getHeader_asU8())).toEqual(
      Buffer.from(header.getSignatureHeader_asU8()),
    );
    expect(prepared.envelope.getSignature_asU8()).toHaveLength(0);

    const proposalPayload = peer.ChaincodeProposalPayload.deserializeBinary(original.getPayload_asU8());
    const withoutTransient = new peer.ChaincodeProposalPayload();
    withoutTransient.setInput(proposalPayload.getInput_asU8());
    expect(Buffer.from(prepared.actionPayload.getChaincodeProposalPayload_asU8())).toEqual(
      Buffer.from(withoutTransient.serializeBinary()),
    );
    const expectedHash = createHash('sha256')
      .update(header.getChannelHeader_asU8())
      .update(header.getSignatureHeader_asU8())
      .update(withoutTransient.serializeBinary())
      .digest();
    expect(Buffer.from(prepared.responsePayload.getProposalHash_asU8())).toEqual(expectedHash);

    const [endorsement] = prepared.endorsed.getEndorsementsList();
    const endorser = msp.SerializedIdentity.deserializeBinary(endorsement!.getEndorser_asU8());
    expect(endorser.getMspid()).toBe('GxMSP');
    const certificate = new X509Certificate(Buffer.from(endorser.getIdBytes_asU8()));
    expect(certificate.subject).toContain('OU=peer');
    const signed = Buffer.concat([
      prepared.endorsed.getProposalResponsePayload_asU8(),
      endorsement!.getEndorser_asU8(),
    ]);
    expect(verify('sha256', signed, certificate.publicKey, endorsement!.getSignature_asU8())).toBe(true);
    await (await transaction.submit()).getStatus();
  });
});

describe('validation at commit', () => {
  test('two transfers racing on one balance: the second is MVCC_READ_CONFLICT', async () => {
    const from = await register(contract);
    const to = await register(contract);
    await mint(contract, from.walletId, '100');
    const transfer = () =>
      contract
        .newProposal('TokenomicsContract:Transfer', {
          arguments: [randomUUID(), from.walletId, to.walletId, '60'],
        })
        .endorse();
    const first = await transfer();
    const second = await transfer();
    const firstStatus = await (await first.submit()).getStatus();
    const secondStatus = await (await second.submit()).getStatus();
    expect(firstStatus.code).toBe(peer.TxValidationCode.VALID);
    expect(secondStatus.code).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT);
    expect(secondStatus.successful).toBe(false);
    const processed = peer.ProcessedTransaction.deserializeBinary(
      await qscc.evaluateTransaction('GetTransactionByID', 'gx-channel', second.getTransactionId()),
    );
    expect(processed.getValidationcode()).toBe(peer.TxValidationCode.MVCC_READ_CONFLICT);
  });

  test('a resubmitted envelope is marked DUPLICATE_TXID in its block; its status stays the original', async () => {
    const { walletId } = await register(contract);
    const transaction = await contract
      .newProposal('TokenomicsContract:Mint', { arguments: [randomUUID(), walletId, '9'] })
      .endorse();
    const original = await (await transaction.submit()).getStatus();
    expect(original.successful).toBe(true);

    const heightBefore = devnet.chainHeight();
    const again = client.gateway.newTransaction(transaction.getBytes());
    const status = await (await again.submit()).getStatus();
    expect(status).toMatchObject({ code: peer.TxValidationCode.VALID, blockNumber: original.blockNumber });

    await expect.poll(() => devnet.chainHeight(), { timeout: 5000 }).toBeGreaterThan(heightBefore);
    const block = common.Block.deserializeBinary(
      await qscc.evaluateTransaction('GetBlockByNumber', 'gx-channel', String(heightBefore)),
    );
    const txIds = block
      .getData()!
      .getDataList_asU8()
      .map((bytes) => {
        const payload = common.Payload.deserializeBinary(
          common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
        );
        return common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getTxId();
      });
    const position = txIds.indexOf(transaction.getTransactionId());
    expect(position).toBeGreaterThanOrEqual(0);
    const codes = block.getMetadata()!.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER]!;
    expect(codes[position]).toBe(peer.TxValidationCode.DUPLICATE_TXID);
  });
});
