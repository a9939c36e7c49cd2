import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, test } from 'vitest';
import type { OrderedTx } from './envelope.js';
import { BlockCutter } from './orderer.js';

const tx = (id: string, size = 10): OrderedTx => ({
  txId: id,
  envelope: new Uint8Array(size),
  precheck: 0,
  rwsets: [],
  event: undefined,
});

function cutter(settings: { batchSize: number; batchTimeoutMs: number; preferredMaxBytes: number }) {
  const batches: string[][] = [];
  return { batches, cutter: new BlockCutter(settings, (batch) => batches.push(batch.map((t) => t.txId))) };
}

describe('BlockCutter', () => {
  test('cuts at the batch size at once and keeps order', () => {
    const { batches, cutter: c } = cutter({ batchSize: 2, batchTimeoutMs: 10_000, preferredMaxBytes: 1e6 });
    for (const id of ['a', 'b', 'c']) c.enqueue(tx(id));
    expect(batches).toEqual([['a', 'b']]);
    c.cut();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  test('cuts a partial batch when the timeout after its first transaction expires', async () => {
    const { batches, cutter: c } = cutter({ batchSize: 100, batchTimeoutMs: 30, preferredMaxBytes: 1e6 });
    c.enqueue(tx('a'));
    await sleep(10);
    c.enqueue(tx('b'));
    expect(batches).toEqual([]);
    await sleep(40);
    expect(batches).toEqual([['a', 'b']]);
  });

  test('cuts before a batch would exceed the preferred size', () => {
    const { batches, cutter: c } = cutter({ batchSize: 100, batchTimeoutMs: 10_000, preferredMaxBytes: 25 });
    c.enqueue(tx('a'));
    c.enqueue(tx('b'));
    c.enqueue(tx('c'));
    expect(batches).toEqual([['a', 'b']]);
    c.enqueue(tx('big', 30));
    expect(batches).toEqual([['a', 'b'], ['c'], ['big']]);
  });
});
