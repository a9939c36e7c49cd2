import { describe, expect, it } from 'vitest';
import { type ClaimedCommand, type PlanInput, planBatches } from './plan.js';

let seq = 0n;
function command(aggregateId: string, touches: string[] = [], id = `c${seq + 1n}`): ClaimedCommand {
  seq += 1n;
  return {
    id,
    seq,
    type: touches.length ? 'TRANSFER' : 'UPDATE_PROFILE',
    status: 'ACCEPTED',
    aggregateId,
    touches,
    payload: {},
    attempts: 0,
    ledgerTxId: null,
    correlationId: 'x',
    createdAt: new Date(0),
  };
}

function plan(candidates: ClaimedCommand[], overrides: Partial<PlanInput> = {}) {
  return planBatches({
    candidates,
    blockedFrom: new Map(),
    busyKeys: new Set(),
    freeSlots: 4,
    maxBatch: 3,
    transactionsInFlight: 0,
    ...overrides,
  }).map((batch) => batch.map((c) => c.id));
}

describe('planBatches', () => {
  it('sends one command per transaction when few are waiting', () => {
    const commands = [command('a'), command('b'), command('c')];
    expect(plan(commands)).toEqual(commands.map((c) => [c.id]));
  });

  it('grows batches with the backlog, up to the maximum', () => {
    const commands = Array.from({ length: 12 }, (_, i) => command(`agg${i}`));
    const batches = plan(commands, { freeSlots: 4, maxBatch: 3 });
    expect(batches).toHaveLength(4);
    expect(batches.every((b) => b.length === 3)).toBe(true);
    const more = Array.from({ length: 30 }, (_, i) => command(`more${i}`));
    expect(plan(more, { freeSlots: 4, maxBatch: 3 }).flat()).toHaveLength(12); // the rest waits its turn
  });

  it('keeps one aggregate in one transaction, in seq order', () => {
    const a1 = command('a');
    const b1 = command('b');
    const a2 = command('a');
    const batches = plan([a1, b1, a2], { freeSlots: 2, maxBatch: 5 });
    const withA = batches.find((b) => b.includes(a1.id))!;
    expect(withA.filter((id) => id === a1.id || id === a2.id)).toEqual([a1.id, a2.id]);
  });

  it('packs commands that share a key (a transfer and its recipient) into one transaction', () => {
    const transfer = command('alice', ['bob']);
    const bobsUpdate = command('bob');
    const batches = plan([transfer, bobsUpdate], { freeSlots: 4, maxBatch: 5 });
    expect(batches).toEqual([[transfer.id, bobsUpdate.id]]);
  });

  it('holds back an aggregate from its oldest command in flight elsewhere on', () => {
    const before = command('a');
    const blocker = command('a');
    const after = command('a');
    const other = command('b');
    const input: Partial<PlanInput> = { blockedFrom: new Map([['a', blocker.seq]]), maxBatch: 5 };
    expect(plan([before, after, other], input)).toEqual([[before.id], [other.id]]);
  });

  it('never sends a key that a transaction in flight touches, and keeps that aggregate waiting', () => {
    const first = command('a', ['busy']);
    const second = command('a');
    const other = command('b');
    expect(plan([first, second, other], { busyKeys: new Set(['busy']) })).toEqual([[other.id]]);
  });

  it('holds a command that would join two transactions, and the rest of its aggregate', () => {
    const a = command('a');
    const b = command('b');
    const bridge = command('c', ['a', 'b']);
    const cLater = command('c');
    const batches = plan([a, b, bridge, cLater], { freeSlots: 4, maxBatch: 5 });
    expect(batches).toEqual([[a.id], [b.id]]);
  });

  it('sends nothing without a free slot', () => {
    expect(plan([command('a')], { freeSlots: 0 })).toEqual([]);
  });

  it('behind a backlog, keeps a batch under a tenth of the maximum for the claim that a commit of its own brings', () => {
    // Every wallet but c's and d's is busy: of a backlog of 40, only c → d could go now.
    const busy = Array.from({ length: 40 }, (_, i) => command(`w${i}`, [`w${(i + 1) % 40}`]));
    const lone = command('c', ['d']);
    const candidates = [...busy, lone];
    const busyKeys = new Set(busy.map((c) => c.aggregateId));
    const backlogged = { busyKeys, freeSlots: 15, maxBatch: 20 };

    expect(plan(candidates, { ...backlogged, transactionsInFlight: 1 })).toEqual([]);
    // Nothing of its own in flight, so no commit of its own to wake it: it goes.
    expect(plan(candidates, { ...backlogged, transactionsInFlight: 0 })).toEqual([[lone.id]]);
    // A short queue goes at once, however small its batches.
    expect(plan([lone], { ...backlogged, transactionsInFlight: 1 })).toEqual([[lone.id]]);
    // Two commands are a tenth of twenty: they go.
    const partner = command('e');
    expect(plan([...candidates, partner], { ...backlogged, transactionsInFlight: 1 })).toEqual([
      [lone.id, partner.id],
    ]);
  });

  it('with batch size 1, sends one command per transaction and one transaction per aggregate', () => {
    const a1 = command('a');
    const a2 = command('a');
    const b1 = command('b');
    expect(plan([a1, a2, b1], { freeSlots: 16, maxBatch: 1 })).toEqual([[a1.id], [b1.id]]);
    expect(plan([a1, a2, b1], { freeSlots: 15, maxBatch: 1, transactionsInFlight: 1 })).toEqual([
      [a1.id],
      [b1.id],
    ]);
  });
});
