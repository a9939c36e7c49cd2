import { peer } from '@hyperledger/fabric-protos';
import { describe, expect, test } from 'vitest';
import type { OrderedTx } from './envelope.js';
import type { KeyRead, KeyWrite, Version } from './rwset.js';
import { type CommittedLedger, validateBlock } from './validator.js';

const Code = peer.TxValidationCode;
const v = (blockNum: number, txNum: number): Version => ({ blockNum, txNum });

function tx(txId: string, reads: KeyRead[], writes: KeyWrite[], precheck: number = Code.VALID): OrderedTx {
  return {
    txId,
    envelope: new Uint8Array(),
    precheck,
    rwsets: [{ namespace: 'gx', reads, writes, rangeQueries: 0 }],
    event: undefined,
  };
}

function ledger(state: Record<string, Version>, txIds: string[] = []): CommittedLedger {
  return { version: (_ns, key) => state[key] ?? null, hasTx: (id) => txIds.includes(id) };
}

const value = (text: string) => Buffer.from(text);

describe('validateBlock', () => {
  test('reads must match committed versions, absent keys included', () => {
    const result = validateBlock(
      7,
      [
        tx('a', [{ key: 'k1', version: v(3, 0) }], [{ key: 'k1', value: value('x') }]),
        tx('b', [{ key: 'k2', version: v(2, 1) }], []),
        tx('c', [{ key: 'new', version: null }], [{ key: 'new', value: value('y') }]),
        tx('d', [{ key: 'k2', version: null }], []),
      ],
      ledger({ k1: v(3, 0), k2: v(4, 0) }),
    );
    expect(result.codes).toEqual([Code.VALID, Code.MVCC_READ_CONFLICT, Code.VALID, Code.MVCC_READ_CONFLICT]);
    expect(result.updates).toEqual([
      { namespace: 'gx', key: 'k1', value: value('x'), version: v(7, 0) },
      { namespace: 'gx', key: 'new', value: value('y'), version: v(7, 2) },
    ]);
  });

  test('a key written earlier in the block conflicts with later reads; invalid writes do not count', () => {
    const result = validateBlock(
      5,
      [
        tx('reader-first', [{ key: 'k', version: v(1, 0) }], [{ key: 'other', value: value('1') }]),
        tx('writer', [{ key: 'k', version: v(1, 0) }], [{ key: 'k', value: value('2') }]),
        tx('reader-after', [{ key: 'k', version: v(1, 0) }], []),
        tx('stale-writer', [{ key: 'gone', version: v(0, 0) }], [{ key: 'z', value: value('3') }]),
        tx('reads-z', [{ key: 'z', version: null }], [{ key: 'z', value: null }]),
      ],
      ledger({ k: v(1, 0) }),
    );
    expect(result.codes).toEqual([
      Code.VALID,
      Code.VALID,
      Code.MVCC_READ_CONFLICT,
      Code.MVCC_READ_CONFLICT,
      Code.VALID,
    ]);
    expect(
      result.updates.map((u) => [u.key, u.value === null ? null : u.value.toString(), u.version.txNum]),
    ).toEqual([
      ['other', '1', 0],
      ['k', '2', 1],
      ['z', null, 4],
    ]);
  });

  test('an id on the chain or earlier in the block is DUPLICATE_TXID and is not indexed again', () => {
    const result = validateBlock(
      9,
      [
        tx('old', [], [{ key: 'a', value: value('1') }]),
        tx('fresh', [], []),
        tx('fresh', [], [{ key: 'b', value: value('2') }]),
        tx('bad', [], [], Code.ENDORSEMENT_POLICY_FAILURE),
        tx('bad', [], [], Code.VALID),
      ],
      ledger({}, ['old']),
    );
    expect(result.codes).toEqual([
      Code.DUPLICATE_TXID,
      Code.VALID,
      Code.DUPLICATE_TXID,
      Code.ENDORSEMENT_POLICY_FAILURE,
      Code.DUPLICATE_TXID,
    ]);
    expect(result.firstOccurrences).toEqual([1, 3]);
    expect(result.updates).toEqual([]);
  });

  test('range reads are not trusted', () => {
    const ranged = tx('r', [], []);
    ranged.rwsets[0]!.rangeQueries = 1;
    expect(validateBlock(1, [ranged], ledger({})).codes).toEqual([Code.PHANTOM_READ_CONFLICT]);
  });
});
