import { randomUUID } from 'node:crypto';
import { encodeCommandNotices, type NotificationListener } from '@gx/db';
import { createLogger } from '@gx/runtime';
import { describe, expect, it, vi } from 'vitest';
import type { CommandView } from '../services/commands.js';
import { CommandStatusHub } from './commandStatusHub.js';

/** A listener the test drives: `notify` delivers a `gx_command` notice, `gap` a lost connection. */
function fakeListener() {
  let onNotice: (payload: string) => void = () => {};
  let onGap: () => void = () => {};
  const listener: NotificationListener = {
    ready: async () => {},
    subscribe: (_channel, handler) => {
      onNotice = handler;
      return () => {};
    },
    onGap: (handler) => {
      onGap = handler;
      return () => {};
    },
    connected: true,
    close: async () => {},
  };
  return {
    listener,
    notify: (ids: string[]) => {
      for (const payload of encodeCommandNotices(ids)) onNotice(payload);
    },
    gap: () => onGap(),
  };
}

const view = (id: string, status: string): CommandView => ({
  id,
  type: 'UPDATE_PROFILE',
  status: status as CommandView['status'],
  attempts: 0,
  fabricTxId: null,
  blockNumber: null,
  errorCode: null,
  errorMessage: null,
  createdAt: new Date(),
  updatedAt: new Date(),
  requesterId: 'someone',
});

describe('CommandStatusHub', () => {
  it('reads the commands a notice names before finishing a safety-net pass over every watched one', async () => {
    const { listener, notify, gap } = fakeListener();
    const ids: string[] = Array.from({ length: 3_000 }, () => randomUUID());
    const statuses = new Map(ids.map((id) => [id, 'COMMITTED']));
    const reads: number[] = [];
    // a read in progress can be held, so the test knows where the pass stands
    let held: Promise<void> = Promise.resolve();
    const hub = new CommandStatusHub({
      listener,
      read: async (part) => {
        reads.push(part.length);
        await held;
        return part.map((id) => view(id, statuses.get(id)!));
      },
      logger: createLogger({ service: 'test', level: 'silent', format: 'json' }),
      pollMs: 0,
      maxSubscriptions: 10_000,
      maxPerSubscriber: 10_000,
    });
    const watches = ids.map((id) => hub.watch(id, 'someone'));
    await Promise.all(watches.map((w) => w.first));
    const last = ids.at(-1)!;
    const updates = watches.at(-1)!.updates;
    expect((await updates.next()).value).toMatchObject({ status: 'COMMITTED' });
    reads.length = 0;

    // the safety net starts re-reading all 3,000 (in chunks of 1,000); the last one is projected meanwhile
    let release!: () => void;
    held = new Promise((resolve) => {
      release = resolve;
    });
    gap();
    await vi.waitUntil(() => reads.length === 1);
    statuses.set(last, 'PROJECTED');
    notify([last]);
    release();

    expect((await updates.next()).value).toMatchObject({ id: last, status: 'PROJECTED' });
    // read right after the chunk in progress, not at the end of the pass
    expect(reads.slice(0, 2)).toEqual([1_000, 1]);
    // and the pass goes on without it
    await vi.waitUntil(() => reads.length === 4);
    expect(reads).toEqual([1_000, 1, 1_000, 999]);
    await hub.stop();
  });

  it("hands a block's worth of changes out a slice at a time, letting the event loop turn in between", async () => {
    const { listener, notify } = fakeListener();
    const ids: string[] = Array.from({ length: 200 }, () => randomUUID());
    const statuses = new Map(ids.map((id) => [id, 'COMMITTED']));
    const hub = new CommandStatusHub({
      listener,
      read: async (part) => part.map((id) => view(id, statuses.get(id)!)),
      logger: createLogger({ service: 'test', level: 'silent', format: 'json' }),
      pollMs: 0,
      maxSubscriptions: 1_000,
      maxPerSubscriber: 1_000,
    });
    const watches = ids.map((id) => hub.watch(id, 'someone'));
    for (const w of watches) expect((await w.updates.next()).value).toMatchObject({ status: 'COMMITTED' });

    const order: string[] = [];
    const projected = watches.map(async (w, i) => {
      expect((await w.updates.next()).value).toMatchObject({ id: ids[i], status: 'PROJECTED' });
      order.push('delivered');
    });
    for (const id of ids) statuses.set(id, 'PROJECTED');
    notify(ids);
    // I/O and timers due while the changes go out: each one waits a slice, not all 200
    const turns = Array.from({ length: 10 }, () => new Promise((resolve) => setImmediate(resolve)));
    for (const turn of turns) void turn.then(() => order.push('turn'));
    await Promise.all(projected);
    await Promise.all(turns);

    expect(order.filter((o) => o === 'delivered')).toHaveLength(200);
    const firstTurn = order.indexOf('turn');
    expect(firstTurn).toBeGreaterThan(0);
    expect(firstTurn).toBeLessThan(200);
    await hub.stop();
  });

  it('re-reads in a safety-net pass only the commands whose status moved from what their watchers have', async () => {
    const { listener, notify, gap } = fakeListener();
    const ids: string[] = Array.from({ length: 4 }, () => randomUUID());
    const statuses = new Map(ids.map((id) => [id, 'SUBMITTED']));
    const reads: { ids: string[]; known: (string | null)[] | undefined; found: string[] }[] = [];
    const hub = new CommandStatusHub({
      listener,
      read: async (part, known) => {
        const found = part.filter((id, i) => !known || statuses.get(id) !== known[i]);
        reads.push({ ids: [...part], known: known && [...known], found });
        return found.map((id) => view(id, statuses.get(id)!));
      },
      logger: createLogger({ service: 'test', level: 'silent', format: 'json' }),
      pollMs: 0,
      maxSubscriptions: 10,
      maxPerSubscriber: 10,
    });
    // two watchers of the first command: a read delivers to both, so they hold one status
    const watches = [...ids, ids[0]!].map((id) => hub.watch(id, 'someone'));
    for (const w of watches) expect((await w.updates.next()).value).toMatchObject({ status: 'SUBMITTED' });
    // the first command moved on with its notice; the second's notice was lost
    statuses.set(ids[0]!, 'COMMITTED');
    statuses.set(ids[1]!, 'COMMITTED');
    notify([ids[0]!]);
    expect((await watches[0]!.updates.next()).value).toMatchObject({ status: 'COMMITTED' });
    expect((await watches[4]!.updates.next()).value).toMatchObject({ status: 'COMMITTED' });
    reads.length = 0;

    gap();
    expect((await watches[1]!.updates.next()).value).toMatchObject({ id: ids[1], status: 'COMMITTED' });
    expect(reads).toEqual([
      { ids, known: ['COMMITTED', 'SUBMITTED', 'SUBMITTED', 'SUBMITTED'], found: [ids[1]] },
    ]);
    await hub.stop();
  });

  it('gives a subscription that starts during a safety-net read its current state, not an end', async () => {
    const { listener, gap } = fakeListener();
    const id = randomUUID();
    let held: Promise<void> = Promise.resolve();
    let reading = 0;
    const hub = new CommandStatusHub({
      listener,
      read: async (part, known) => {
        reading++;
        await held;
        return part.filter((_, i) => known?.[i] !== 'COMMITTED').map((p) => view(p, 'COMMITTED'));
      },
      logger: createLogger({ service: 'test', level: 'silent', format: 'json' }),
      pollMs: 0,
      maxSubscriptions: 10,
      maxPerSubscriber: 10,
    });
    const first = hub.watch(id, 'someone');
    expect((await first.updates.next()).value).toMatchObject({ status: 'COMMITTED' });
    let release!: () => void;
    held = new Promise((resolve) => {
      release = resolve;
    });
    gap();
    await vi.waitUntil(() => reading === 2);
    // joins while the pass's read (which will find the command unchanged) is out
    const second = hub.watch(id, 'someone');
    release();
    await expect(second.first).resolves.toMatchObject({ id, status: 'COMMITTED' });
    expect((await second.updates.next()).value).toMatchObject({ id, status: 'COMMITTED' });
    await hub.stop();
  });

  it('keeps a new subscription waiting while the database is away, then sends its current state', async () => {
    const { listener } = fakeListener();
    const id = randomUUID();
    let failures = 2;
    const hub = new CommandStatusHub({
      listener,
      read: async (part) => {
        if (failures-- > 0) throw new Error('connection refused');
        return part.map((watched) => view(watched, 'COMMITTED'));
      },
      logger: createLogger({ service: 'test', level: 'silent', format: 'json' }),
      pollMs: 0,
      maxSubscriptions: 10,
      maxPerSubscriber: 10,
    });
    const watch = hub.watch(id, 'someone');
    await expect(watch.first).resolves.toMatchObject({ id, status: 'COMMITTED' });
    expect(failures).toBe(-1);
    await hub.stop();
  });
});
