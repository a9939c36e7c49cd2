import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { listeningPort, type ServiceProcess, startService } from '@gx/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportedNames } from './support/exposition.js';
import { metricsInUse } from './support/promql.js';

// The alerts and dashboards are only as good as the names they read: a misspelt or renamed metric
// makes an alert that never fires and a panel that stays empty, silently. So the services run here
// for real (devnet for the ledger, a test database) and their /metrics decide which names exist.

/** The services that serve /metrics, and how each is told to pick a free port. */
const metricServices = [
  { service: 'submitter', portVariable: 'SUBMITTER_PORT' },
  { service: 'projector', portVariable: 'PROJECTOR_PORT' },
  { service: 'api', portVariable: 'API_PORT' },
] as const;

/** Series Prometheus itself writes for every scrape target, not any service. */
const scrapeSeries = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

const dataDir = mkdtempSync(path.join(tmpdir(), 'gx-infra-metrics-'));
chmodSync(dataDir, 0o755);
const running: ServiceProcess[] = [];
let database: TestDatabase | undefined;
const exported = new Map<string, Set<string>>();

beforeAll(async () => {
  database = await createTestDatabase();
  const devnet = await startService(
    'devnet',
    { GX_DATA_DIR: dataDir, DEVNET_PORT: '0', DEVNET_CONTROL_PORT: '0' },
    (line) => (typeof line.connectionDir === 'string' ? line.connectionDir : undefined),
  );
  running.push(devnet.process);
  const env = {
    NODE_ENV: 'development',
    GX_DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    FABRIC_CONNECTION_DIR: devnet.value,
  };
  const started = await Promise.all(
    metricServices.map(({ service, portVariable }) =>
      startService(service, { ...env, [portVariable]: '0' }, listeningPort),
    ),
  );
  for (const [i, { process, value: port }] of started.entries()) {
    running.push(process);
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status, process.describe()).toBe(200);
    exported.set(metricServices[i]!.service, exportedNames(await response.text()));
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(running.reverse().map((p) => p.stop()));
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('metrics used by the alerts and dashboards', () => {
  it('every service serves /metrics', () => {
    expect([...exported.keys()].sort()).toEqual(metricServices.map((s) => s.service).sort());
    for (const [service, names] of exported) expect(names.size, service).toBeGreaterThan(10);
  });

  it('are each exported by a running service', () => {
    const everything = new Set([...exported.values()].flatMap((names) => [...names]));
    const missing = [...metricsInUse()]
      .filter(([name]) => !everything.has(name) && !scrapeSeries.has(name))
      .map(([name, where]) => `${name} (read by ${where.join('; ')})`);
    expect(missing).toEqual([]);
  });

  it('include every metric of the design', () => {
    const everything = new Set([...exported.values()].flatMap((names) => [...names]));
    for (const name of [
      'outbox_commands_processed_total',
      'outbox_queue_depth',
      'outbox_oldest_pending_age_seconds',
      'outbox_in_flight',
      'outbox_batch_size',
      'outbox_processing_duration_seconds',
      'fabric_circuit_breaker_state',
      'projector_events_processed_total',
      'projector_blockchain_height',
      'projector_lag_blocks',
      'projector_lag_seconds',
      'fabric_submit_duration_seconds',
      'projector_processing_duration_seconds',
      'projector_is_leader',
      'command_stage_duration_seconds',
      'http_requests_total',
      'http_request_duration_seconds',
      'graphql_operations_total',
      'graphql_operation_duration_seconds',
      'graphql_ws_connections',
      'graphql_subscriptions_active',
    ]) {
      expect(everything, name).toContain(name);
    }
  });
});
