import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify } from './classify.js';
import { registration } from './testing/commands.js';
import { DevnetFixture, untilReachable } from './testing/ledgerFixture.js';

const fixture = new DevnetFixture();
const registry = new Registry();

beforeAll(() => fixture.start());
afterAll(() => fixture.destroy());

async function breakerMetric() {
  const metric = await registry.getSingleMetric('fabric_circuit_breaker_state')!.get();
  return Object.fromEntries(metric.values.map((v) => [v.labels.state, v.value]));
}

describe('circuit breaker', () => {
  it('opens while devnet is down, refuses without calling it, half-opens after the reset time, closes when it is back', async () => {
    const resetTimeoutMs = 1_500;
    const ledger = await fixture.connect({ resetTimeoutMs, volumeThreshold: 2 }, registry);
    try {
      expect(await breakerMetric()).toEqual({ CLOSED: 1, OPEN: 0, HALF_OPEN: 0 });
      await fixture.stop();
      for (let i = 0; i < 2; i += 1) {
        const error = await ledger.prepare([registration()]).catch((e: unknown) => e);
        expect(classify(error)).toMatchObject({
          kind: 'transient',
          reason: expect.stringContaining('UNAVAILABLE'),
        });
      }
      expect(ledger.breakerState).toBe('OPEN');
      expect(await breakerMetric()).toEqual({ CLOSED: 0, OPEN: 1, HALF_OPEN: 0 });

      // While open, no call reaches the ledger: even with devnet back, calls are refused at once.
      await fixture.start();
      const refused = await ledger.prepare([registration()]).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'EOPENBREAKER' });
      expect(classify(refused)).toEqual({
        kind: 'transient',
        reason: 'circuit breaker open',
        reachedLedger: false,
      });

      await new Promise((resolve) => setTimeout(resolve, resetTimeoutMs + 100));
      expect(ledger.breakerState).toBe('HALF_OPEN');
      expect(await breakerMetric()).toEqual({ CLOSED: 0, OPEN: 0, HALF_OPEN: 1 });

      await untilReachable(ledger, 10_000).catch(() => {});
      await ledger.prepare([registration()]);
      expect(ledger.breakerState).toBe('CLOSED');
      expect(await breakerMetric()).toEqual({ CLOSED: 1, OPEN: 0, HALF_OPEN: 0 });
    } finally {
      ledger.close();
    }
  }, 30_000);

  it('is not tripped by chaincode refusals: they are the ledger working', async () => {
    const ledger = await fixture.connect({ volumeThreshold: 1 }, new Registry());
    try {
      const user = registration();
      for (let i = 0; i < 3; i += 1) {
        const transfer = {
          commandId: crypto.randomUUID(),
          type: 'TRANSFER' as const,
          args: { fromWalletId: user.args.walletId, toWalletId: crypto.randomUUID(), amount: '1' },
        };
        const error = await ledger.prepare([transfer]).catch((e: unknown) => e);
        expect(classify(error).kind).toBe('rejected');
      }
      expect(ledger.breakerState).toBe('CLOSED');
    } finally {
      ledger.close();
    }
  });
});
