import { ledger } from '@hyperledger/fabric-protos';

const { TxReadWriteSet, NsReadWriteSet } = ledger.rwset;
const { KVRWSet, KVRead, KVWrite, Version: VersionPb } = ledger.rwset.kvrwset;

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

/** Serializes one namespace's reads and writes as Fabric's `TxReadWriteSet`, keys sorted as Fabric's builder does. */
export function encodeTxRwSet(rwset: NamespaceRwSet): Uint8Array {
  const kv = new KVRWSet();
  kv.setReadsList(
    [...rwset.reads]
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((read) => {
        const pb = new KVRead();
        pb.setKey(read.key);
        if (read.version) {
          const version = new VersionPb();
          version.setBlockNum(read.version.blockNum);
          version.setTxNum(read.version.txNum);
          pb.setVersion(version);
        }
        return pb;
      }),
  );
  kv.setWritesList(
    [...rwset.writes]
      .sort((a, b) => compareKeys(a.key, b.key))
      .map((write) => {
        const pb = new KVWrite();
        pb.setKey(write.key);
        if (write.value === null) pb.setIsDelete(true);
        else pb.setValue(write.value);
        return pb;
      }),
  );
  const ns = new NsReadWriteSet();
  ns.setNamespace(rwset.namespace);
  ns.setRwset(kv.serializeBinary());
  const tx = new TxReadWriteSet();
  tx.setDataModel(TxReadWriteSet.DataModel.KV);
  tx.setNsRwsetList([ns]);
  return tx.serializeBinary();
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

/** Byte order of the UTF-8 encodings (how Fabric and LevelDB order keys), not UTF-16 order. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
