import { mkdir } from 'node:fs/promises';
import { common } from '@hyperledger/fabric-protos';
import { ClassicLevel } from 'classic-level';
import type { Version } from './rwset.js';

/** Where a transaction id first appeared on the chain, and how it was validated there. */
export interface TxLocation {
  blockNumber: number;
  txNum: number;
  code: number;
}

export interface StateEntry {
  value: Uint8Array;
  version: Version;
}

export interface ChainInfo {
  height: number;
  currentBlockHash: Uint8Array;
  previousBlockHash: Uint8Array;
}

/** Everything one block changes, written in a single LevelDB batch: a crash leaves all of it or none. */
export interface BlockWrite {
  blockNumber: number;
  blockBytes: Uint8Array;
  blockHash: Uint8Array;
  previousHash: Uint8Array;
  /** First occurrences only: a later duplicate of an id never replaces the original's entry. */
  txIndex: { txId: string; txNum: number; code: number }[];
  stateWrites: { namespace: string; key: string; value: Uint8Array | null; version: Version }[];
  /** The block's serialized `gateway.ChaincodeEventsResponse`, when valid transactions set events. */
  events?: Uint8Array;
}

/** The ledger failed underneath (closed, I/O error): callers answer UNAVAILABLE. */
export class LedgerUnavailableError extends Error {
  override name = 'LedgerUnavailableError';
}

// Key spaces. Block numbers are fixed-width hex so that key order is block order. Values carry
// block numbers in 6 bytes (2^48 blocks) and positions in 4.
const blockKey = (n: number) => `b${blockHex(n)}`;
const eventsKey = (n: number) => `e${blockHex(n)}`;
const txKey = (txId: string) => `t${txId}`;
const stateKey = (namespace: string, key: string) => `s${namespace}\u0000${key}`;
const hashKey = (hash: Uint8Array) => `h${Buffer.from(hash).toString('hex')}`;
const chainInfoKey = 'i';
const blockHex = (n: number) => n.toString(16).padStart(16, '0');

/** State entries kept in memory: a few megabytes for this chaincode's wallets and profiles. */
const stateCacheEntries = 50_000;

/**
 * The peer's ledger on LevelDB (the database Fabric itself uses for state): the chain of blocks,
 * the transaction index, the versioned world state and each block's chaincode events.
 * Point reads are synchronous: LevelDB answers them from memory in microseconds, and a
 * simulation that awaits each read would spend more in scheduling than in reading.
 */
export class LedgerStore {
  private info: ChainInfo = {
    height: 0,
    currentBlockHash: new Uint8Array(),
    previousBlockHash: new Uint8Array(),
  };

  /**
   * Committed state by stored key (null: absent), read through and written through on commit.
   * A batch's endorsement reads a few hundred keys, each a synchronous LevelDB read: 9 % of the
   * time devnet's event loop spent in its long turns in a batched drain.
   */
  private readonly stateCache = new Map<string, StateEntry | null>();

  private constructor(private readonly db: ClassicLevel<string, Uint8Array>) {}

  static async open(location: string): Promise<LedgerStore> {
    await mkdir(location, { recursive: true });
    const db = new ClassicLevel<string, Uint8Array>(location, {
      keyEncoding: 'utf8',
      valueEncoding: 'view',
      // LevelDB's default 4 MB memtable had devnet's CPU per transaction climb with the chain
      // (compactions): 1.8 -> 2.4 ms over 100,000 transactions; with 32 MB it stays at 1.4-1.8 ms.
      writeBufferSize: 32 * 1024 * 1024,
    });
    await db.open();
    const store = new LedgerStore(db);
    const stored = await db.get(chainInfoKey);
    if (stored) {
      const info = common.BlockchainInfo.deserializeBinary(stored);
      store.info = {
        height: info.getHeight(),
        currentBlockHash: info.getCurrentblockhash_asU8(),
        previousBlockHash: info.getPreviousblockhash_asU8(),
      };
    }
    return store;
  }

  get chainInfo(): ChainInfo {
    return this.info;
  }

  getState(namespace: string, key: string): StateEntry | undefined {
    const stored = stateKey(namespace, key);
    const entry = this.read(() => {
      const cached = this.stateCache.get(stored);
      if (cached !== undefined) return cached;
      const raw = this.db.getSync(stored);
      const read = raw ? decodeState(raw) : null;
      this.cacheState(stored, read);
      return read;
    });
    return entry ?? undefined;
  }

  getTx(txId: string): TxLocation | undefined {
    const raw = this.read(() => this.db.getSync(txKey(txId)));
    return raw ? decodeTxLocation(raw) : undefined;
  }

  async getBlock(blockNumber: number): Promise<Uint8Array | undefined> {
    return this.readAsync(() => this.db.get(blockKey(blockNumber)));
  }

  blockNumberByHash(hash: Uint8Array): number | undefined {
    const raw = this.read(() => this.db.getSync(hashKey(hash)));
    return raw ? Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).readUIntBE(0, 6) : undefined;
  }

  /** The stored events of blocks from `fromBlock` on, in block order, at most `limit` of them. */
  async eventsFrom(fromBlock: number, limit: number): Promise<{ blockNumber: number; events: Uint8Array }[]> {
    return this.readAsync(async () => {
      const entries = await this.db.iterator({ gte: eventsKey(fromBlock), lt: 'f', limit }).all();
      return entries.map(([key, events]) => ({ blockNumber: Number.parseInt(key.slice(1), 16), events }));
    });
  }

  async commit(write: BlockWrite): Promise<void> {
    if (write.blockNumber !== this.info.height) {
      throw new Error(`block ${write.blockNumber} does not follow height ${this.info.height}`);
    }
    const info = new common.BlockchainInfo();
    info.setHeight(write.blockNumber + 1);
    info.setCurrentblockhash(write.blockHash);
    info.setPreviousblockhash(write.previousHash);
    const batch = this.db.batch();
    batch.put(blockKey(write.blockNumber), write.blockBytes);
    const blockNumber = Buffer.alloc(6);
    blockNumber.writeUIntBE(write.blockNumber, 0, 6);
    batch.put(hashKey(write.blockHash), blockNumber);
    for (const tx of write.txIndex) {
      batch.put(
        txKey(tx.txId),
        encodeTxLocation({ blockNumber: write.blockNumber, txNum: tx.txNum, code: tx.code }),
      );
    }
    for (const state of write.stateWrites) {
      const key = stateKey(state.namespace, state.key);
      if (state.value === null) batch.del(key);
      else batch.put(key, encodeState(state.value, state.version));
    }
    if (write.events) batch.put(eventsKey(write.blockNumber), write.events);
    batch.put(chainInfoKey, info.serializeBinary());
    await this.readAsync(() => batch.write());
    for (const state of write.stateWrites) {
      this.cacheState(
        stateKey(state.namespace, state.key),
        // A copy: the written value may be a view into its whole block.
        state.value === null ? null : { version: state.version, value: state.value.slice() },
      );
    }
    this.info = {
      height: write.blockNumber + 1,
      currentBlockHash: write.blockHash,
      previousBlockHash: write.previousHash,
    };
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Keeps at most `stateCacheEntries`, forgetting the oldest first. */
  private cacheState(stored: string, entry: StateEntry | null): void {
    this.stateCache.delete(stored);
    this.stateCache.set(stored, entry);
    if (this.stateCache.size > stateCacheEntries) {
      this.stateCache.delete(this.stateCache.keys().next().value!);
    }
  }

  private read<T>(get: () => T): T {
    if (this.db.status !== 'open') throw new LedgerUnavailableError('the ledger is closed');
    try {
      return get();
    } catch (error) {
      throw new LedgerUnavailableError(`ledger read failed: ${(error as Error).message}`);
    }
  }

  private async readAsync<T>(get: () => Promise<T>): Promise<T> {
    if (this.db.status !== 'open') throw new LedgerUnavailableError('the ledger is closed');
    try {
      return await get();
    } catch (error) {
      throw new LedgerUnavailableError(`ledger access failed: ${(error as Error).message}`);
    }
  }
}

function encodeState(value: Uint8Array, version: Version): Buffer {
  const out = Buffer.allocUnsafe(10 + value.length);
  out.writeUIntBE(version.blockNum, 0, 6);
  out.writeUInt32BE(version.txNum, 6);
  out.set(value, 10);
  return out;
}

function decodeState(raw: Uint8Array): StateEntry {
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return {
    version: { blockNum: view.readUIntBE(0, 6), txNum: view.readUInt32BE(6) },
    value: raw.subarray(10),
  };
}

function encodeTxLocation(location: TxLocation): Buffer {
  const out = Buffer.allocUnsafe(11);
  out.writeUIntBE(location.blockNumber, 0, 6);
  out.writeUInt32BE(location.txNum, 6);
  out.writeUInt8(location.code, 10);
  return out;
}

function decodeTxLocation(raw: Uint8Array): TxLocation {
  const view = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return { blockNumber: view.readUIntBE(0, 6), txNum: view.readUInt32BE(6), code: view.readUInt8(10) };
}
