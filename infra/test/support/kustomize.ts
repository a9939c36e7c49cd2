import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { infraDir, type Overlay } from './paths.js';
import { kubectlInstall, runTool } from './tools.js';

/** A rendered Kubernetes object, as plain data. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  // biome-ignore lint/suspicious/noExplicitAny: objects of every kind; tests narrow them where they look
  [key: string]: any;
}

const rendered = new Map<Overlay, KubeObject[]>();

/** `kubectl kustomize` of an overlay, parsed; rendered once per test file. */
export function renderOverlay(overlay: Overlay): KubeObject[] {
  const cached = rendered.get(overlay);
  if (cached) return cached;
  const text = runTool(
    'kubectl',
    ['kustomize', path.join(infraDir, 'k8s', 'overlays', overlay)],
    kubectlInstall,
  );
  const objects = parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw document.errors[0];
    return document.toJS() as KubeObject;
  });
  rendered.set(overlay, objects);
  return objects;
}

export function objectsOf(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function objectNamed(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered overlay`);
  return found;
}

/**
 * A generated ConfigMap or Secret by the name the sources give it: kustomize appends a content
 * hash (`gx-api-5h25gc26f5`) and rewrites every reference to match.
 */
export function generated(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
): KubeObject | undefined {
  return objects.find(
    (o) => o.kind === kind && (o.metadata.name === name || o.metadata.name.startsWith(`${name}-`)),
  );
}

/** The key/value data of a ConfigMap or Secret (Secrets decoded). */
export function dataOf(object: KubeObject): Record<string, string> {
  if (object.kind === 'Secret') {
    const decoded = Object.entries((object.data ?? {}) as Record<string, string>).map(
      ([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')] as const,
    );
    return { ...Object.fromEntries(decoded), ...((object.stringData ?? {}) as Record<string, string>) };
  }
  return { ...((object.data ?? {}) as Record<string, string>) };
}
