import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import { describe, expect, test } from 'vitest';
import { blockHeaderHash, buildBlock, genesisEnvelope } from './blocks.js';

describe('blocks', () => {
  test('the header hash is SHA-256 of the DER sequence of number, previous hash and data hash', () => {
    const previous = Buffer.alloc(32, 1);
    const data = Buffer.alloc(32, 2);
    const der = Buffer.concat([
      Buffer.from([0x30, 0x48, 0x02, 0x02, 0x00, 0x80]),
      Buffer.from([0x04, 0x20]),
      previous,
      Buffer.from([0x04, 0x20]),
      data,
    ]);
    expect(blockHeaderHash(128, previous, data)).toEqual(createHash('sha256').update(der).digest());
    const zero = Buffer.concat([Buffer.from([0x30, 0x07, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00])]);
    expect(blockHeaderHash(0, new Uint8Array(), new Uint8Array())).toEqual(
      createHash('sha256').update(zero).digest(),
    );
  });

  test('a built block decodes as common.Block with envelopes verbatim and one code per transaction', () => {
    const envelopes = [Buffer.from('first'), Buffer.from('second')];
    const previous = Buffer.alloc(32, 9);
    const built = buildBlock(3, previous, envelopes, [
      peer.TxValidationCode.VALID,
      peer.TxValidationCode.MVCC_READ_CONFLICT,
    ]);
    const block = common.Block.deserializeBinary(built.bytes);
    const header = block.getHeader()!;
    expect(header.getNumber()).toBe(3);
    expect(Buffer.from(header.getPreviousHash_asU8())).toEqual(previous);
    expect(Buffer.from(header.getDataHash_asU8())).toEqual(
      createHash('sha256').update(Buffer.concat(envelopes)).digest(),
    );
    expect(
      block
        .getData()!
        .getDataList_asU8()
        .map((d) => Buffer.from(d).toString()),
    ).toEqual(['first', 'second']);
    const metadata = block.getMetadata()!.getMetadataList_asU8();
    expect(metadata).toHaveLength(5);
    expect([...metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER]!]).toEqual([0, 11]);
    expect(built.hash).toEqual(blockHeaderHash(3, previous, header.getDataHash_asU8()));
  });

  test('the genesis transaction is a CONFIG envelope of the channel', () => {
    const envelope = common.Envelope.deserializeBinary(genesisEnvelope('gx-channel'));
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const header = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
    expect(header.getType()).toBe(common.HeaderType.CONFIG);
    expect(header.getChannelId()).toBe('gx-channel');
    expect(common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig()).toBeDefined();
  });
});
