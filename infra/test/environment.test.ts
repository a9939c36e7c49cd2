import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { databaseServiceEnv } from '@gx/runtime';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { apiEnv } from '../../api/src/config.js';
import { parseServerConfig } from '../../chaincode/src/serverConfig.js';
import { projectorEnv } from '../../projector/src/config.js';
import { submitterEnv } from '../../submitter/src/config.js';
import { dataOf, type KubeObject, objectsOf, renderOverlay } from './support/kustomize.js';
import { infraDir, type Overlay, overlays, workspaceDir } from './support/paths.js';
import { type Container, podOf } from './support/workloads.js';

// Every variable a manifest sets must be one the process reads, and the process must accept the
// whole environment as the manifest composes it. The accepted names come from the services' own
// config schemas (and, for the chaincode server, which validates without zod, from its source),
// so a renamed or new variable shows up here without anyone updating a list.

interface EnvironmentContract {
  /** Names the process reads. */
  accepted: Set<string>;
  /** Throws, naming the variable, when the process would refuse to start with this environment. */
  check(env: Record<string, string>): void;
}

/** What these checks use of a zod object schema (infra does not depend on zod itself). */
interface EnvironmentSchema {
  shape: object;
  safeParse(
    env: unknown,
  ): { success: true } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

function fromZod(schema: EnvironmentSchema): EnvironmentContract {
  return {
    accepted: new Set(Object.keys(schema.shape)),
    check(env) {
      const result = schema.safeParse(env);
      if (!result.success) {
        const issue = result.error.issues[0]!;
        throw new Error(`${issue.path.map(String).join('.')}: ${issue.message}`);
      }
    },
  };
}

/** The chaincode server reads `setting('NAME')` in serverConfig.ts and `env.NAME` elsewhere. */
function chaincodeContract(): EnvironmentContract {
  const sourceDir = path.join(workspaceDir, 'chaincode', 'src');
  const accepted = new Set<string>();
  for (const file of readdirSync(sourceDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const source = readFileSync(path.join(sourceDir, file), 'utf8');
    for (const m of source.matchAll(/setting\('([A-Z][A-Z0-9_]*)'\)|\benv\.([A-Z][A-Z0-9_]*)/g)) {
      accepted.add((m[1] ?? m[2])!);
    }
  }
  return { accepted, check: (env) => void parseServerConfig(env) };
}

/** db/src/cli/migrate.ts validates with `databaseServiceEnv({})`; checked below, so this stays true. */
const migrateSource = readFileSync(path.join(workspaceDir, 'db', 'src', 'cli', 'migrate.ts'), 'utf8');

/** Which contract each container of the manifests runs under, by container name. */
const contracts: Record<string, EnvironmentContract> = {
  api: fromZod(apiEnv),
  submitter: fromZod(submitterEnv),
  projector: fromZod(projectorEnv),
  migrate: fromZod(databaseServiceEnv({})),
  chaincode: chaincodeContract(),
};

const template = parseAllDocuments(
  readFileSync(path.join(infraDir, 'k8s', 'secrets.template.yaml'), 'utf8'),
).map((d) => d.toJS() as KubeObject);

/** The name a generated object had before kustomize appended its content hash. */
const sourceName = (name: string) => name.replace(/-[a-z0-9]{10}$/, '');

/**
 * The environment a container starts with, as Kubernetes composes it. Every Secret it reads must
 * be in secrets.template.yaml with the key it reads. Secrets an overlay does not render (prod:
 * they are made from the template) take the dev overlay's values, which are real.
 */
function environmentOf(overlay: Overlay, container: Container): Map<string, string> {
  const objects = renderOverlay(overlay);
  const development = renderOverlay('dev');
  const lookUp = (kind: 'ConfigMap' | 'Secret', name: string, key?: string): Record<string, string> => {
    const here = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (kind === 'ConfigMap') {
      expect(here, `${container.name}: ConfigMap ${name} is rendered`).toBeDefined();
      return dataOf(here!);
    }
    const inTemplate = template.find((o) => o.metadata.name === sourceName(name));
    expect(
      inTemplate,
      `${container.name}: Secret ${sourceName(name)} is in secrets.template.yaml`,
    ).toBeDefined();
    if (key !== undefined) expect(Object.keys(dataOf(inTemplate!)), `${name} template keys`).toContain(key);
    const rendered =
      here ??
      development.find((o) => o.kind === 'Secret' && sourceName(o.metadata.name) === sourceName(name));
    return rendered ? dataOf(rendered) : dataOf(inTemplate!);
  };
  const env = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const data = source.configMapRef
      ? lookUp('ConfigMap', source.configMapRef.name)
      : lookUp('Secret', source.secretRef.name);
    for (const [key, value] of Object.entries(data)) env.set(key, value);
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    let value: string | undefined = variable.value;
    if (from?.configMapKeyRef)
      value = lookUp('ConfigMap', from.configMapKeyRef.name)[from.configMapKeyRef.key];
    if (from?.secretKeyRef)
      value = lookUp('Secret', from.secretKeyRef.name, from.secretKeyRef.key)[from.secretKeyRef.key];
    if (from?.fieldRef) value = `field:${from.fieldRef.fieldPath}`;
    expect(value, `${container.name}: ${variable.name} has a value`).toBeDefined();
    env.set(variable.name, value!);
  }
  return env;
}

const containersOf = (overlay: Overlay) =>
  objectsOf(renderOverlay(overlay), 'Deployment').flatMap((deployment) =>
    podOf(deployment).allContainers.map((container) => ({ deployment, container })),
  );

describe('the migrations container runs db/src/cli/migrate.ts', () => {
  it('which reads the common database variables only', () => {
    expect(migrateSource).toContain('databaseServiceEnv({})');
  });
});

describe.each(overlays)('environment in %s', (overlay) => {
  const containers = containersOf(overlay).map(({ deployment, container }) => [
    `${deployment.metadata.name}/${container.name}`,
    container,
  ]) as [string, Container][];

  it('every container runs under a known contract', () => {
    expect(containers.map(([, c]) => c.name).filter((name) => !contracts[name])).toEqual([]);
  });

  it.each(containers)('%s sets only variables its process reads', (_, container) => {
    const env = environmentOf(overlay, container);
    const unknown = [...env.keys()].filter((name) => !contracts[container.name]!.accepted.has(name));
    expect(unknown).toEqual([]);
  });

  it.each(containers)(
    '%s: its process accepts the environment (every required variable set)',
    (_, container) => {
      const env = Object.fromEntries(environmentOf(overlay, container));
      expect(() => contracts[container.name]!.check(env)).not.toThrow();
      if (container.name !== 'chaincode') expect(env.NODE_ENV).toBe('production');
    },
  );

  it.each(containers)(
    '%s: the port its process is told to listen on is the one the manifest opens',
    (_, container) => {
      const env = environmentOf(overlay, container);
      const opened = (container.ports ?? []).map((p) => p.containerPort);
      const told = [...env.entries()]
        .filter(([name]) => /^[A-Z]+_PORT$/.test(name) && name !== 'GX_PG_PORT')
        .map(([, value]) => Number(value));
      const address = env.get('CHAINCODE_SERVER_ADDRESS');
      if (address) told.push(Number(address.split(':').pop()));
      expect(told.sort()).toEqual(opened.sort());
    },
  );

  it.each(containers)('%s: files it is told to read are mounted', (_, container) => {
    const env = environmentOf(overlay, container);
    const mounts = (container.volumeMounts ?? []).map((m: { mountPath: string }) => m.mountPath);
    const fabric = env.get('FABRIC_CONNECTION_DIR');
    if (fabric) expect(mounts).toContain(fabric);
    for (const name of ['CHAINCODE_TLS_KEY', 'CHAINCODE_TLS_CERT', 'CHAINCODE_CLIENT_CA_CERT']) {
      const file = env.get(name);
      if (file) expect(mounts, `${name}=${file}`).toContain(path.posix.dirname(file));
    }
  });
});

describe('the Fabric connection Secret', () => {
  it('holds the four files the ledger client reads (fabric/README.md)', () => {
    const secret = template.find((o) => o.metadata.name === 'gx-fabric-connection')!;
    const readme = readFileSync(path.join(workspaceDir, 'fabric', 'README.md'), 'utf8');
    const files = Object.keys(dataOf(secret)).sort();
    expect(files).toEqual(['client-cert.pem', 'client-key.pem', 'connection.json', 'tls-ca.pem']);
    for (const file of files) expect(readme).toContain(file);
    const connection = JSON.parse(dataOf(secret)['connection.json']!) as Record<string, string>;
    expect(Object.keys(connection).sort()).toEqual([
      'chaincode',
      'channel',
      'endpoint',
      'hostOverride',
      'mspId',
    ]);
  });
});
