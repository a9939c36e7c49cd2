import { ledger } from '@hyperledger/fabric-protos';
import { describe, expect, test } from 'vitest';
import { compareKeys, decodeTxRwSet, encodeTxRwSet, type NamespaceRwSet } from './rwset.js';

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

  test('keys compare as their UTF-8 bytes do, past the basic plane too', () => {
    const alphabet = [
      'a',
      'z',
      '~',
      '\u0000',
      '\u00e9',
      '\u4e2d',
      '\ud7ff',
      '\ue000',
      '\uffff',
      '😀',
      '𐀀',
      '\u{10ffff}',
    ];
    const keys = Array.from({ length: 400 }, (_, i) =>
      Array.from({ length: 1 + (i % 4) }, (_, j) => alphabet[(i * 7 + j * 5 + i * j) % alphabet.length]).join(
        '',
      ),
    );
    const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
    for (const a of keys) {
      for (const b of keys.slice(0, 60)) expect(Math.sign(compareKeys(a, b))).toBe(byBytes(a, b));
    }
  });
});
