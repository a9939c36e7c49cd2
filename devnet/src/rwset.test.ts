import { ledger } from '@hyperledger/fabric-protos';
import { describe, expect, test } from 'vitest';
import { decodeTxRwSet, encodeTxRwSet, type NamespaceRwSet } from './rwset.js';

describe('read/write sets', () => {
  const rwset: NamespaceRwSet = {
    namespace: 'gx',
    reads: [
      { key: 'wallet~b', version: { blockNum: 4, txNum: 0 } },
      { key: 'command~a', version: null },
      { key: '\u0000composite\u0000key\u0000', version: { blockNum: 300, txNum: 17 } },
    ],
    writes: [
      { key: 'wallet~b', value: Buffer.from('{"balance":"5"}') },
      { key: 'gone', value: null },
    ],
    rangeQueries: 0,
  };

  test('encode as Fabric: KV data model, reads and writes sorted by key bytes, deletes flagged', () => {
    const tx = ledger.rwset.TxReadWriteSet.deserializeBinary(encodeTxRwSet(rwset));
    expect(tx.getDataModel()).toBe(ledger.rwset.TxReadWriteSet.DataModel.KV);
    const [ns] = tx.getNsRwsetList();
    expect(ns?.getNamespace()).toBe('gx');
    const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns!.getRwset_asU8());
    expect(kv.getReadsList().map((r) => [r.getKey(), r.getVersion()?.toObject() ?? null])).toEqual([
      ['\u0000composite\u0000key\u0000', { blockNum: 300, txNum: 17 }],
      ['command~a', null],
      ['wallet~b', { blockNum: 4, txNum: 0 }],
    ]);
    expect(
      kv.getWritesList().map((w) => [w.getKey(), w.getIsDelete(), Buffer.from(w.getValue_asU8()).toString()]),
    ).toEqual([
      ['gone', true, ''],
      ['wallet~b', false, '{"balance":"5"}'],
    ]);
  });

  test('decode what was encoded', () => {
    const [decoded] = decodeTxRwSet(encodeTxRwSet(rwset));
    expect(decoded?.reads).toHaveLength(3);
    expect(decoded?.writes.find((w) => w.key === 'gone')?.value).toBeNull();
    expect(decoded?.reads.find((r) => r.key === 'command~a')?.version).toBeNull();
  });
});
