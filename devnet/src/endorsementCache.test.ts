import { describe, expect, test } from 'vitest';
import { type EndorsedTx, EndorsementCache } from './endorsementCache.js';

const endorsed = (): EndorsedTx => ({
  proposalHash: new Uint8Array(),
  proposalResponsePayload: new Uint8Array(),
  endorsement: new Uint8Array(),
  rwsets: [],
  event: undefined,
});

describe('EndorsementCache', () => {
  test('forgets endorsements never submitted after the TTL, and holds a bounded number', () => {
    let now = 0;
    const cache = new EndorsementCache(1000, 3, () => now);
    cache.put('a', endorsed());
    now = 600;
    cache.put('b', endorsed());
    now = 1200;
    cache.put('c', endorsed());
    expect(cache.size).toBe(2);
    expect(cache.take('a')).toBeUndefined();
    expect(cache.take('b')).toBeDefined();
    expect(cache.take('b')).toBeUndefined();
    for (const id of ['d', 'e', 'f', 'g']) cache.put(id, endorsed());
    expect(cache.size).toBe(3);
    expect(cache.take('c')).toBeUndefined();
    now = 5000;
    expect(cache.take('g')).toBeUndefined();
  });
});
