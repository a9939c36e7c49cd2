import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { infraDir } from './paths.js';

const operators = new Set(['and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan', 'atan2']);

/**
 * The metric names a PromQL expression reads. Enough of PromQL for the rules and dashboards here:
 * string literals, label matchers, ranges, label lists (by, without, on, ignoring, group_*), and
 * Grafana variables are removed; what remains that is not a function call or an operator is a
 * metric name.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.])[A-Za-z_:][\w:]*/g)) {
    const rest = bare.slice((match.index ?? 0) + match[0].length).trimStart();
    if (rest.startsWith('(') || operators.has(match[0])) continue;
    names.add(match[0]);
  }
  return [...names];
}

export const alertsFile = path.join(infraDir, 'monitoring', 'alerts.yaml');
export const dashboardsDir = path.join(infraDir, 'monitoring', 'dashboards');
export const dashboardFiles = ['cqrs-overview.json', 'api.json', 'ledger.json'];

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const file = parse(readFileSync(alertsFile, 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; query?: string | { query?: string } }[] };
}

export function dashboard(file: string): Dashboard {
  return JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as Dashboard;
}

/** Every PromQL expression of a dashboard, with where it is, rows and variables included. */
export function dashboardQueries(board: Dashboard): { where: string; expr: string }[] {
  const queries: { where: string; expr: string }[] = [];
  const walk = (panels: readonly Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (target.expr) queries.push({ where: `${board.uid}: ${panel.title}`, expr: target.expr });
      }
      walk(panel.panels ?? []);
    }
  };
  walk(board.panels);
  for (const variable of board.templating?.list ?? []) {
    const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
    // label_values(metric, label): only the metric is a name; the label is not
    const labelValues = query && /^label_values\(\s*([A-Za-z_:][\w:]*)\s*,/.exec(query);
    if (labelValues) queries.push({ where: `${board.uid}: $${variable.name}`, expr: labelValues[1]! });
  }
  return queries;
}

/** Every metric name the alerts and dashboards read, with the places that read it. */
export function metricsInUse(): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (where: string, expr: string) => {
    for (const name of metricNames(expr)) uses.set(name, [...(uses.get(name) ?? []), where]);
  };
  for (const rule of alertRules()) add(`alert ${rule.alert}`, rule.expr);
  for (const file of dashboardFiles) {
    for (const { where, expr } of dashboardQueries(dashboard(file))) add(where, expr);
  }
  return uses;
}
