import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';

export type ProcessedStatus = 'success' | 'rejected' | 'failed' | 'max_retries';

/** The submitter's metrics, named as in the design's "Metrics" section. */
export function submitterMetrics(registry: Registry) {
  collectDefaultMetrics({ register: registry });
  const latencyBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
  return {
    processed: new Counter({
      name: 'outbox_commands_processed_total',
      help: 'Commands the submitter finished handling, by outcome',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'outbox_queue_depth',
      help: 'Commands waiting for the ledger (ACCEPTED, SUBMITTED or RETRYING)',
      registers: [registry],
    }),
    oldestPendingAge: new Gauge({
      name: 'outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest command waiting for the ledger',
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'outbox_in_flight',
      help: 'Commands in Fabric transactions this worker has in flight',
      registers: [registry],
    }),
    batchSize: new Histogram({
      name: 'outbox_batch_size',
      help: 'Commands per Fabric transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers: [registry],
    }),
    processingDuration: new Histogram({
      name: 'outbox_processing_duration_seconds',
      help: 'From acceptance to commit on the ledger',
      buckets: latencyBuckets,
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: 'command_stage_duration_seconds',
      help: 'From acceptance to each stage of a command',
      labelNames: ['stage'] as const,
      buckets: latencyBuckets,
      registers: [registry],
    }),
  };
}

export type SubmitterMetrics = ReturnType<typeof submitterMetrics>;
