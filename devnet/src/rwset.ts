import { ledger } from '@hyperledger/fabric-protos';
import { ProtoWriter } from './protowire.js';

const { TxReadWriteSet } = ledger.rwset;
const { KVRWSet } = ledger.rwset.kvrwset;

/** A committed key's version: the block and position of the transaction that last wrote it. */
export interface Version {
  blockNum: number;
  txNum: number;
}

export interface KeyRead {
  key: string;
  /** null: the key did not exist when read. */
  version: Version | null;
}

export interface KeyWrite {
  key: string;
  /** null: a delete. */
  value: Uint8Array | null;
}

export interface NamespaceRwSet {
  namespace: string;
  reads: KeyRead[];
  writes: KeyWrite[];
  /** Range reads are not validated here (no contract uses them); a transaction carrying any is refused at commit. */
  rangeQueries: number;
}

export function sameVersion(a: Version | null, b: Version | null): boolean {
  if (a === null || b === null) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/**
 * Serializes one namespace's reads and writes as Fabric's `TxReadWriteSet` (data model KV), keys
 * sorted as Fabric's builder sorts them. Encoded directly: endorsement does this for every
 * transaction, and building message objects first cost more than the rest of the encoding.
 */
export function encodeTxRwSet(rwset: NamespaceRwSet): Uint8Array {
  const kv = new ProtoWriter();
  for (const read of [...rwset.reads].sort((a, b) => compareKeys(a.key, b.key))) {
    const entry = new ProtoWriter().string(1, read.key);
    if (read.version) {
      entry.message(2, new ProtoWriter().uint(1, read.version.blockNum).uint(2, read.version.txNum).finish());
    }
    kv.message(1, entry.finish());
  }
  for (const write of [...rwset.writes].sort((a, b) => compareKeys(a.key, b.key))) {
    const entry = new ProtoWriter().string(1, write.key);
    if (write.value === null) entry.uint(2, 1);
    else entry.bytes(3, write.value);
    kv.message(3, entry.finish());
  }
  const ns = new ProtoWriter().string(1, rwset.namespace).bytes(2, kv.finish()).finish();
  return new ProtoWriter().message(2, ns).finish();
}

/** Decodes the public read/write sets of a transaction; throws on bytes that are not a `TxReadWriteSet`. */
export function decodeTxRwSet(bytes: Uint8Array): NamespaceRwSet[] {
  if (bytes.length === 0) return [];
  const tx = TxReadWriteSet.deserializeBinary(bytes);
  return tx.getNsRwsetList().map((ns) => {
    const kv = KVRWSet.deserializeBinary(ns.getRwset_asU8());
    return {
      namespace: ns.getNamespace(),
      reads: kv.getReadsList().map((read) => {
        const version = read.getVersion();
        return {
          key: read.getKey(),
          version: version ? { blockNum: version.getBlockNum(), txNum: version.getTxNum() } : null,
        };
      }),
      writes: kv.getWritesList().map((write) => ({
        key: write.getKey(),
        value: write.getIsDelete() ? null : write.getValue_asU8(),
      })),
      rangeQueries: kv.getRangeQueriesInfoList().length,
    };
  });
}

/**
 * Byte order of the UTF-8 encodings (how Fabric and LevelDB order keys), which is code point order,
 * computed on the strings themselves: encoding both keys for every comparison was a tenth of the
 * time devnet's event loop spent in its long turns while endorsing batches of 80 commands.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/**
 * A UTF-16 unit's place in code point order: UTF-16 puts surrogates (code points past U+FFFF)
 * before U+E000-U+FFFF, UTF-8 after. Where two keys first differ, a surrogate faces a surrogate or
 * a character of the basic plane, so ranking the unit is enough.
 */
function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
