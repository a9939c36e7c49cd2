import type { KubeObject } from './kustomize.js';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
    values?: string[];
  }[];
}

/** Whether a label selector selects these labels (the empty selector selects everything). */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
  return byLabel && byExpression;
}

export interface Container {
  name: string;
  image: string;
  ports?: { name?: string; containerPort: number }[];
  // biome-ignore lint/suspicious/noExplicitAny: container fields are read where a test checks them
  [field: string]: any;
}

/** The pod template and containers of a Deployment. */
export function podOf(deployment: KubeObject) {
  const template = deployment.spec.template;
  const spec = template.spec;
  const initContainers = (spec.initContainers ?? []) as Container[];
  const containers = spec.containers as Container[];
  return {
    labels: template.metadata.labels as Record<string, string>,
    annotations: (template.metadata.annotations ?? {}) as Record<string, string>,
    spec,
    initContainers,
    containers,
    allContainers: [...initContainers, ...containers],
  };
}

/** A container port by name or number, as probes and Services refer to it. */
export function containerPort(containers: readonly Container[], port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  for (const container of containers) {
    const found = container.ports?.find((p) => p.name === port);
    if (found) return found.containerPort;
  }
  return undefined;
}

const units: Record<string, number> = {
  m: 1e-3,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};

/** A Kubernetes quantity as a number: `500m` → 0.5, `1Gi` → 1073741824. */
export function quantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|k|M|G)?$/.exec(value);
  if (!match) throw new Error(`not a quantity: ${value}`);
  return Number(match[1]) * (match[2] ? (units[match[2]] ?? 1) : 1);
}
