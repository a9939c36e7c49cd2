import { describe, expect, it } from 'vitest';
import { SlidingWindows, TokenBuckets } from './rateLimits.js';

describe('rate limiting', () => {
  it('token buckets allow the burst, then the rate', () => {
    const buckets = new TokenBuckets(20, 40);
    const t = 1_000_000;
    for (let i = 0; i < 40; i++) expect(buckets.take('u', t)).toBe(0);
    expect(buckets.take('u', t)).toBeCloseTo(0.05);
    expect(buckets.take('u', t + 50)).toBe(0); // one token back after 1/20 s
    expect(buckets.take('other', t)).toBe(0);
  });

  it('sliding windows count events and say when the oldest leaves', () => {
    const windows = new SlidingWindows(5, 900_000);
    const t = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(windows.check('e', t + i)).toBe(0);
      windows.record('e', t + i);
    }
    expect(windows.check('e', t + 10)).toBeCloseTo(899.99);
    expect(windows.check('e', t + 900_000)).toBe(0); // the first left the window
    windows.clear('e');
    expect(windows.check('e', t + 10)).toBe(0);
  });
});
