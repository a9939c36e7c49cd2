import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCommandNotice, encodeCommandNotices } from './commandNotice.js';

describe('command notices', () => {
  it('fit a few ids in one notice and round-trip them', () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const notices = encodeCommandNotices(ids);
    expect(notices).toHaveLength(1);
    expect(decodeCommandNotice(notices[0]!)).toEqual(ids);
  });

  it('split past the 8,000-byte limit, keeping every id once and in order', () => {
    const ids = Array.from({ length: 500 }, () => randomUUID());
    const notices = encodeCommandNotices(ids);
    expect(notices.length).toBeGreaterThan(1);
    for (const notice of notices) expect(Buffer.byteLength(notice)).toBeLessThan(8_000);
    expect(notices.flatMap(decodeCommandNotice)).toEqual(ids);
  });

  it('send nothing for no ids', () => {
    expect(encodeCommandNotices([])).toEqual([]);
    expect(decodeCommandNotice('')).toEqual([]);
  });
});
