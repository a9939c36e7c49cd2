import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { genesis, type LedgerCheckpoint } from './checkpoint.js';
import { arrivedTogether, type LedgerEvent } from './events.js';
import type { Ledger } from './ledger.js';
import { registration } from './testing/commands.js';
import { DevnetFixture, untilReachable } from './testing/ledgerFixture.js';

// A long batch timeout puts several of our transactions in one block.
const fixture = new DevnetFixture({ batchTimeoutMs: 150 });
let ledger: Ledger;

beforeAll(async () => {
  await fixture.start();
  ledger = await fixture.connect();
});
afterAll(async () => {
  ledger?.close();
  await fixture.destroy();
});

async function commitTogether(count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, async () => {
      const command = registration();
      const prepared = await ledger.prepare([command]);
      await ledger.submitPrepared(prepared.envelope);
    }),
  );
}

async function take(
  events: AsyncIterable<LedgerEvent>,
  count: number,
  timeoutMs = 10_000,
): Promise<LedgerEvent[]> {
  const taken: LedgerEvent[] = [];
  const iterator = events[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (taken.length < count) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`only ${taken.length} of ${count} events`)), deadline - Date.now()),
      ),
    ]);
    if (next.done) break;
    taken.push(next.value);
  }
  return taken;
}

const key = (e: LedgerEvent) => `${e.blockNumber}:${e.transactionId}`;

async function fullReplay(count: number): Promise<LedgerEvent[]> {
  const events = ledger.events(genesis);
  try {
    return await take(events, count);
  } finally {
    events.close();
  }
}

describe('events(checkpoint)', () => {
  it('replays from block 0 in ledger order, then resumes strictly after (block, transaction id) inside a block', async () => {
    await commitTogether(6);
    await commitTogether(6);
    const all = await fullReplay(12);
    expect(all.every((e) => e.eventName === 'UserCreated')).toBe(true);
    const ordered = [...all].sort((a, b) => Number(a.blockNumber - b.blockNumber));
    expect(all.map(key)).toEqual(ordered.map(key));

    // a checkpoint on an event that has others after it in the same block
    const index = all.findIndex((e, i) => all[i + 1]?.blockNumber === e.blockNumber);
    expect(index).toBeGreaterThanOrEqual(0);
    const checkpoint: LedgerCheckpoint = {
      blockNumber: all[index]!.blockNumber,
      transactionId: all[index]!.transactionId,
    };
    const resumed = ledger.events(checkpoint);
    try {
      const rest = await take(resumed, all.length - index - 1);
      expect(rest.map(key)).toEqual(all.slice(index + 1).map(key));
    } finally {
      resumed.close();
    }
  });

  it('reconnects after a devnet restart mid-stream without a gap or a repeat', async () => {
    const before = (await fullReplay(12)).length;
    const stream = ledger.events(genesis, { reconnectDelayMs: 50 });
    const iterator = stream[Symbol.asyncIterator]();
    try {
      const seen = await take({ [Symbol.asyncIterator]: () => iterator }, before);
      await fixture.stop();
      await fixture.start();
      await untilReachable(ledger);
      await commitTogether(4);
      seen.push(...(await take({ [Symbol.asyncIterator]: () => iterator }, 4, 15_000)));
      const replay = await fullReplay(before + 4);
      expect(seen.map(key)).toEqual(replay.map(key));
      expect(new Set(seen.map(key)).size).toBe(seen.length);
    } finally {
      stream.close();
    }
  }, 30_000);

  it('close() ends an iteration that is waiting for events', async () => {
    const stream = ledger.events({ blockNumber: await ledger.chainHeight() });
    const iterator = stream[Symbol.asyncIterator]();
    const waiting = iterator.next();
    setTimeout(() => stream.close(), 100);
    expect(await waiting).toEqual({ done: true, value: undefined });
  });
});

describe('arrivedTogether', () => {
  it('groups the events of one block and never splits one', async () => {
    const height = await ledger.chainHeight();
    await commitTogether(5);
    const stream = ledger.events({ blockNumber: height });
    try {
      const groups: LedgerEvent[][] = [];
      let total = 0;
      for await (const group of arrivedTogether(stream)) {
        groups.push(group);
        total += group.length;
        if (total >= 5) break;
      }
      const blocksPerGroup = groups.map((g) => new Set(g.map((e) => e.blockNumber)));
      // a block's events are all in one group
      const blockToGroup = new Map<bigint, number>();
      groups.forEach((g, i) => {
        for (const e of g) {
          expect(blockToGroup.get(e.blockNumber) ?? i).toBe(i);
          blockToGroup.set(e.blockNumber, i);
        }
      });
      expect(blocksPerGroup.some((blocks, i) => groups[i]!.length > blocks.size)).toBe(true);
    } finally {
      stream.close();
    }
  });
});
