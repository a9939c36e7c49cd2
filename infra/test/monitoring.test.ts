import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataOf, generated, renderOverlay } from './support/kustomize.js';
import { overlays } from './support/paths.js';
import {
  alertRules,
  alertsFile,
  dashboard,
  dashboardFiles,
  dashboardQueries,
  dashboardsDir,
  metricNames,
} from './support/promql.js';
import { promtoolInstall, runTool } from './support/tools.js';

describe('alert rules', () => {
  it('pass `promtool check rules`', () => {
    expect(runTool('promtool', ['check', 'rules', alertsFile], promtoolInstall)).toContain('SUCCESS');
  });

  it('pass their unit tests (`promtool test rules alerts.test.yaml`)', () => {
    const output = runTool(
      'promtool',
      ['test', 'rules', 'alerts.test.yaml'],
      promtoolInstall,
      path.dirname(alertsFile),
    );
    expect(output).toContain('SUCCESS');
  });

  it('cover what the issue asks for', () => {
    const used = new Set(alertRules().flatMap((rule) => metricNames(rule.expr)));
    for (const metric of [
      'outbox_queue_depth',
      'outbox_oldest_pending_age_seconds',
      'outbox_commands_processed_total',
      'projector_lag_blocks',
      'projector_lag_seconds',
      'projector_is_leader',
      'fabric_circuit_breaker_state',
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'graphql_ws_connections',
    ]) {
      expect(used, metric).toContain(metric);
    }
  });

  it('each has a severity, a summary and a runbook section that exists', () => {
    const readme = readFileSync(path.join(path.dirname(alertsFile), '..', 'README.md'), 'utf8');
    const anchors = new Set(
      [...readme.matchAll(/^#{2,4} (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\w\s-]/g, '')
          .trim()
          .replace(/\s+/g, '-'),
      ),
    );
    for (const rule of alertRules()) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      const runbook = rule.annotations?.runbook ?? '';
      expect(runbook, rule.alert).toMatch(/^infra\/README\.md#/);
      expect(anchors, `${rule.alert}: ${runbook}`).toContain(runbook.split('#')[1]);
    }
  });

  it.each(overlays)(
    '%s: the WebSocket alert fires at 80 percent of the cap the api is configured with',
    (overlay) => {
      const rule = alertRules().find((r) => r.alert === 'ApiWebSocketConnectionsNearCap')!;
      const threshold = Number(/>\s*(\d+)\s*$/.exec(rule.expr)?.[1]);
      const apiConfig = generated(renderOverlay(overlay), 'ConfigMap', 'gx-api')!;
      const cap = Number(dataOf(apiConfig).WS_MAX_CONNECTIONS);
      expect(cap).toBeGreaterThan(0);
      expect(threshold).toBe(cap * 0.8);
    },
  );

  it.each(overlays)('%s: the rules ConfigMap carries alerts.yaml as it is', (overlay) => {
    const rules = generated(renderOverlay(overlay), 'ConfigMap', 'gx-prometheus-rules')!;
    expect(dataOf(rules)['gx-gateway.rules.yaml']).toBe(readFileSync(alertsFile, 'utf8'));
  });
});

describe('dashboards', () => {
  it('are the three the issue asks for, each with a unique uid and queries on every panel', () => {
    expect(readdirSync(dashboardsDir).sort()).toEqual([...dashboardFiles].sort());
    const uids = dashboardFiles.map((file) => dashboard(file).uid);
    expect(new Set(uids).size).toBe(dashboardFiles.length);
    for (const file of dashboardFiles) {
      const board = dashboard(file);
      const panels = board.panels.filter((p) => (p as { type?: string }).type !== 'row');
      expect(panels.length, file).toBeGreaterThan(3);
      for (const panel of panels) expect(panel.targets?.length, `${file}: ${panel.title}`).toBeGreaterThan(0);
    }
  });

  it('read the metrics of their subject', () => {
    const reads = (file: string) =>
      new Set(dashboardQueries(dashboard(file)).flatMap((q) => metricNames(q.expr)));
    expect([...reads('cqrs-overview.json')]).toEqual(
      expect.arrayContaining([
        'outbox_queue_depth',
        'outbox_commands_processed_total',
        'command_stage_duration_seconds_bucket',
        'projector_lag_blocks',
        'projector_lag_seconds',
      ]),
    );
    expect([...reads('api.json')]).toEqual(
      expect.arrayContaining([
        'http_requests_total',
        'http_request_duration_seconds_bucket',
        'graphql_operations_total',
        'graphql_ws_connections',
      ]),
    );
    expect([...reads('ledger.json')]).toEqual(
      expect.arrayContaining([
        'fabric_circuit_breaker_state',
        'fabric_submit_duration_seconds_bucket',
        'projector_blockchain_height',
      ]),
    );
  });

  it.each(overlays)('%s: are provisioned by a ConfigMap Grafana’s sidecar picks up', (overlay) => {
    const configMap = generated(renderOverlay(overlay), 'ConfigMap', 'gx-grafana-dashboards')!;
    expect(configMap.metadata.labels?.grafana_dashboard).toBe('1');
    const boards = Object.values(dataOf(configMap)).map((text) => (JSON.parse(text) as { uid: string }).uid);
    expect(boards.sort()).toEqual(dashboardFiles.map((file) => dashboard(file).uid).sort());
  });
});

describe('metricNames (the PromQL reader the metric check relies on)', () => {
  it.each([
    ['max(outbox_queue_depth) > 1000', ['outbox_queue_depth']],
    ['(sum(projector_is_leader) or vector(0)) < 1', ['projector_is_leader']],
    [
      'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{route="/graphql"}[5m]))) > 1',
      ['http_request_duration_seconds_bucket'],
    ],
    [
      'rate(process_cpu_seconds_total{namespace=~"$namespace"}[$__rate_interval]) and on (instance) graphql_ws_connections',
      ['process_cpu_seconds_total', 'graphql_ws_connections'],
    ],
    ['max(deriv(projector_blockchain_height[5m])) * 60 offset 1h', ['projector_blockchain_height']],
    [
      'sum(increase(outbox_commands_processed_total{status="max_retries"}[15m])) > 1e3',
      ['outbox_commands_processed_total'],
    ],
  ])('%s', (expr, names) => {
    expect(metricNames(expr).sort()).toEqual([...names].sort());
  });
});
