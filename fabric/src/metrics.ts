import { Gauge, Histogram, type Registry, register } from 'prom-client';

export const breakerStates = ['CLOSED', 'OPEN', 'HALF_OPEN'] as const;
export type BreakerState = (typeof breakerStates)[number];

export interface LedgerMetrics {
  setBreakerState(state: BreakerState): void;
  observeSubmit(seconds: number): void;
}

/** The design's ledger metrics, registered once per registry. */
export function ledgerMetrics(registry: Registry = register): LedgerMetrics {
  const breaker =
    (registry.getSingleMetric('fabric_circuit_breaker_state') as Gauge<'state'> | undefined) ??
    new Gauge({
      name: 'fabric_circuit_breaker_state',
      help: 'Circuit breaker around the ledger: 1 for the current state, 0 for the others',
      labelNames: ['state'],
      registers: [registry],
    });
  const submit =
    (registry.getSingleMetric('fabric_submit_duration_seconds') as Histogram | undefined) ??
    new Histogram({
      name: 'fabric_submit_duration_seconds',
      help: 'Submission of a prepared transaction until its commit status is known',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  return {
    setBreakerState(state) {
      for (const s of breakerStates) breaker.set({ state: s }, s === state ? 1 : 0);
    },
    observeSubmit: (seconds) => submit.observe(seconds),
  };
}
