import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

/** Per-scrape sources of the gauges measured elsewhere (ledger, Postgres). */
export interface MetricSources {
  chainHeight(): Promise<bigint>;
  lag(): Promise<{ lagBlocks: number; lagSeconds: number }>;
}

/** The projector's metrics, with the design's names ("Metrics"). */
export class ProjectorMetrics {
  readonly eventsProcessed: Counter<'status'>;
  readonly processingDuration: Histogram;
  readonly isLeader: Gauge;
  readonly stageDuration: Histogram<'stage'>;
  #sources: MetricSources | undefined;
  #lag: { at: number; value: Promise<{ lagBlocks: number; lagSeconds: number }> } | undefined;

  constructor(registry: Registry, options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.eventsProcessed = new Counter({
      name: 'projector_events_processed_total',
      help: 'Domain events projected (success, refusals included) or quarantined (validation_failed)',
      labelNames: ['status'],
      registers,
    });
    this.eventsProcessed.inc({ status: 'success' }, 0);
    this.eventsProcessed.inc({ status: 'validation_failed' }, 0);
    this.processingDuration = new Histogram({
      name: 'projector_processing_duration_seconds',
      help: 'Time to project one group of blocks in one database transaction',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.isLeader = new Gauge({
      name: 'projector_is_leader',
      help: '1 while this process holds the projector lock and projects',
      registers,
    });
    this.stageDuration = new Histogram({
      name: 'command_stage_duration_seconds',
      help: 'Time from acceptance to each stage of a command',
      labelNames: ['stage'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    const metrics = this;
    new Gauge({
      name: 'projector_blockchain_height',
      help: 'Height of the ledger (number of blocks)',
      registers,
      async collect() {
        const sources = metrics.#sources;
        if (!sources) return;
        try {
          this.set(Number(await sources.chainHeight()));
        } catch {
          // ledger unreachable: keep the last value
        }
      },
    });
    new Gauge({
      name: 'projector_lag_blocks',
      help: 'Highest block recorded on a COMMITTED command minus the checkpoint block, at least 0',
      registers,
      async collect() {
        const lag = await metrics.#readLag();
        if (lag) this.set(lag.lagBlocks);
      },
    });
    new Gauge({
      name: 'projector_lag_seconds',
      help: 'Age of the oldest command that is COMMITTED but not PROJECTED; 0 when none',
      registers,
      async collect() {
        const lag = await metrics.#readLag();
        if (lag) this.set(lag.lagSeconds);
      },
    });
  }

  /** Where the height and lag gauges read from, at each scrape. */
  measureFrom(sources: MetricSources): void {
    this.#sources = sources;
  }

  async #readLag() {
    const sources = this.#sources;
    if (!sources) return undefined;
    // one query serves both lag gauges of a scrape
    if (!this.#lag || Date.now() - this.#lag.at > 250) {
      this.#lag = { at: Date.now(), value: sources.lag() };
    }
    try {
      return await this.#lag.value;
    } catch {
      return undefined;
    }
  }
}
