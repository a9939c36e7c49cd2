import { createHash } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { ProtoWriter } from './protowire.js';

export interface BuiltBlock {
  bytes: Buffer;
  /** SHA-256 of the header's ASN.1 encoding: what the next block names as its previous hash. */
  hash: Buffer;
}

/**
 * A `common.Block` as a Fabric orderer and committer leave it: header chained by hash, the
 * envelopes verbatim, and the metadata array with one validation code per transaction in
 * TRANSACTIONS_FILTER (the last config block, 0, recorded where Fabric 2.x records it).
 */
export function buildBlock(
  blockNumber: number,
  previousHash: Uint8Array,
  envelopes: readonly Uint8Array[],
  validationCodes: readonly number[],
): BuiltBlock {
  const dataHash = createHash('sha256');
  for (const envelope of envelopes) dataHash.update(envelope);
  const dataHashBytes = dataHash.digest();
  const header = new ProtoWriter()
    .uint(1, blockNumber)
    .bytes(2, previousHash)
    .bytes(3, dataHashBytes)
    .finish();
  const data = new ProtoWriter();
  for (const envelope of envelopes) data.message(1, envelope);
  const metadata = new ProtoWriter()
    .message(1, signaturesMetadata)
    .message(1, lastConfigMetadata)
    .message(1, Uint8Array.from(validationCodes))
    .message(1, new Uint8Array())
    .message(1, new Uint8Array());
  const bytes = new ProtoWriter()
    .message(1, header)
    .message(2, data.finish())
    .message(3, metadata.finish())
    .finish();
  return { bytes, hash: blockHeaderHash(blockNumber, previousHash, dataHashBytes) };
}

/** Fabric's block hash: SHA-256 of DER `SEQUENCE { INTEGER number, OCTET STRING previous, OCTET STRING data }`. */
export function blockHeaderHash(blockNumber: number, previousHash: Uint8Array, dataHash: Uint8Array): Buffer {
  const body = Buffer.concat([
    derElement(0x02, derUnsignedInteger(blockNumber)),
    derElement(0x04, previousHash),
    derElement(0x04, dataHash),
  ]);
  return createHash('sha256').update(derElement(0x30, body)).digest();
}

/**
 * The channel's genesis block transaction: a CONFIG envelope, as block 0 of every Fabric channel
 * is. It carries no policies (devnet checks membership itself) and no chaincode events.
 */
export function genesisEnvelope(channelId: string): Uint8Array {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG);
  channelHeader.setChannelId(channelId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(new common.SignatureHeader().serializeBinary());
  const config = new common.Config();
  config.setChannelGroup(new common.ConfigGroup());
  const configEnvelope = new common.ConfigEnvelope();
  configEnvelope.setConfig(config);
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(configEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

const signaturesMetadata = (() => {
  const lastConfig = new common.LastConfig();
  lastConfig.setIndex(0);
  const ordererMetadata = new common.OrdererBlockMetadata();
  ordererMetadata.setLastConfig(lastConfig);
  const metadata = new common.Metadata();
  metadata.setValue(ordererMetadata.serializeBinary());
  return metadata.serializeBinary();
})();

const lastConfigMetadata = (() => {
  const metadata = new common.Metadata();
  metadata.setValue(new common.LastConfig().serializeBinary());
  return metadata.serializeBinary();
})();

function derUnsignedInteger(value: number): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

function derElement(tag: number, content: Uint8Array): Buffer {
  const length = content.length;
  let lengthBytes: Buffer;
  if (length < 0x80) lengthBytes = Buffer.from([length]);
  else if (length < 0x100) lengthBytes = Buffer.from([0x81, length]);
  else lengthBytes = Buffer.from([0x82, length >> 8, length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), lengthBytes, content]);
}
