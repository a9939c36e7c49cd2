import type { Sql } from '@gx/db';
import { createLogger } from '@gx/runtime';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutboxNotifier } from './outboxNotifier.js';

// The timing rule alone, on a stand-in for postgres.js that records what it is asked to send; the
// notice itself reaching a listener is tested against PostgreSQL in test/writes.test.ts.
describe('OutboxNotifier', () => {
  const sent: unknown[][] = [];
  const sql = ((_strings: TemplateStringsArray, ...values: unknown[]) => {
    sent.push(values);
    return Promise.resolve([]);
  }) as unknown as Sql;
  const logger = createLogger({ service: 'test', level: 'silent', format: 'json' });

  beforeEach(() => {
    sent.length = 0;
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('sends the first poke of a quiet spell at once, and folds those within the window into one at its end', async () => {
    const notifier = new OutboxNotifier(sql, 10, logger);
    notifier.poke();
    expect(sent).toEqual([['gx_outbox']]);

    notifier.poke();
    notifier.poke();
    await vi.advanceTimersByTimeAsync(9);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);

    // the folded notice opened a window of its own; nothing came in it, so nothing more is sent
    await vi.advanceTimersByTimeAsync(50);
    expect(sent).toHaveLength(2);
    notifier.poke();
    expect(sent).toHaveLength(3);
    await notifier.flush();
    expect(notifier.sent).toBe(3);
  });

  it('flush sends a folded notice now', async () => {
    const notifier = new OutboxNotifier(sql, 10, logger);
    notifier.poke();
    notifier.poke();
    await notifier.flush();
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(50);
    expect(sent).toHaveLength(2);
  });
});
