import CircuitBreaker from 'opossum';
import { classify } from './classify.js';
import type { BreakerState, LedgerMetrics } from './metrics.js';

export interface BreakerOptions {
  /** A call slower than this counts as a failure; default 30 s. */
  timeoutMs?: number;
  /** Failure percentage in the rolling window that opens the breaker; default 50. */
  errorThresholdPercentage?: number;
  /** How long the breaker stays open before letting one trial call through; default 30 s. */
  resetTimeoutMs?: number;
  /** Calls in the rolling window before it may open, so one lone timeout does not; default 5. */
  volumeThreshold?: number;
}

/**
 * One breaker for every call to the ledger. Only ledger faults count: a chaincode refusal or an
 * MVCC conflict is the ledger working, so they pass through without tripping it.
 */
export class LedgerBreaker {
  readonly #breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;

  constructor(options: BreakerOptions, metrics: LedgerMetrics) {
    this.#breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
      timeout: options.timeoutMs ?? 30_000,
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      resetTimeout: options.resetTimeoutMs ?? 30_000,
      volumeThreshold: options.volumeThreshold ?? 5,
      errorFilter: (error: unknown) => classify(error).kind !== 'transient',
    });
    metrics.setBreakerState('CLOSED');
    this.#breaker.on('open', () => metrics.setBreakerState('OPEN'));
    this.#breaker.on('halfOpen', () => metrics.setBreakerState('HALF_OPEN'));
    this.#breaker.on('close', () => metrics.setBreakerState('CLOSED'));
  }

  run<T>(call: () => Promise<T>): Promise<T> {
    return this.#breaker.fire(call) as Promise<T>;
  }

  get state(): BreakerState {
    if (this.#breaker.opened) return 'OPEN';
    if (this.#breaker.halfOpen) return 'HALF_OPEN';
    return 'CLOSED';
  }

  shutdown(): void {
    this.#breaker.shutdown();
  }
}
