import type { SupervisedPipeline, SupervisedService } from './supervisedPipeline.js';
import { supervisedServices } from './supervisedPipeline.js';

/** What a service's `/readyz` said: 200, 503, or no answer within 3 s (the process is gone, or stuck waiting). */
export type ReadyState = 'ready' | 'not ready' | 'no answer';

export interface ReadySample {
  at: number;
  service: SupervisedService;
  state: ReadyState;
  /** The body's details: the submitter's breaker, a projector's role, the api's database. */
  body: Record<string, unknown>;
}

/**
 * Asks every service's `/readyz` a few times a second for the whole scenario, so its checks can
 * tell whether readiness went down during an outage and came back after it, as a load balancer or
 * Kubernetes would have seen it.
 */
export class ReadinessProbe {
  readonly samples: ReadySample[] = [];
  readonly #pipeline: SupervisedPipeline;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    pipeline: SupervisedPipeline,
    readonly intervalMs = 250,
  ) {
    this.#pipeline = pipeline;
  }

  start(): void {
    this.#timer = setInterval(() => {
      for (const service of supervisedServices) void this.#sample(service);
    }, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Samples of one service between two instants (`performance.now()`). */
  between(service: SupervisedService, from: number, to = Number.POSITIVE_INFINITY): ReadySample[] {
    return this.samples.filter((s) => s.service === service && s.at >= from && s.at <= to);
  }

  /** The states a service went through after `from`, consecutive repeats merged: e.g. ready → no answer → ready. */
  timeline(service: SupervisedService, from = 0): string {
    const states = this.between(service, from)
      .sort((a, b) => a.at - b.at)
      .map((s) => s.state);
    return states.filter((state, i) => i === 0 || states[i - 1] !== state).join(' → ');
  }

  async #sample(service: SupervisedService): Promise<void> {
    const at = performance.now();
    // longer than the api's own 2 s database check, so a slow answer is not taken for a dead process
    const timeout = AbortSignal.timeout(3_000);
    try {
      const response = await fetch(this.#pipeline.readyzUrl(service), { signal: timeout });
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      this.samples.push({ at, service, state: response.ok ? 'ready' : 'not ready', body });
    } catch {
      this.samples.push({ at, service, state: 'no answer', body: {} });
    }
  }
}
