import { describe, expect, it } from 'vitest';
import { validateAgainstOpenApi } from './support/kubernetesModels.js';
import { type KubeObject, objectNamed, objectsOf, renderOverlay } from './support/kustomize.js';
import { allows } from './support/networkPolicies.js';
import { type Overlay, overlays } from './support/paths.js';
import { type Container, containerPort, podOf, quantity, selects } from './support/workloads.js';

const services = ['gx-api', 'gx-submitter', 'gx-projector', 'gx-chaincode'] as const;
type Service = (typeof services)[number];

/** Replica counts per overlay: the topology in prod, one of each but the projector pair in dev. */
const expectedReplicas: Record<Overlay, Record<Service, number>> = {
  prod: { 'gx-api': 3, 'gx-submitter': 2, 'gx-projector': 2, 'gx-chaincode': 2 },
  dev: { 'gx-api': 1, 'gx-submitter': 1, 'gx-projector': 2, 'gx-chaincode': 1 },
};
const expectedAutoscaling: Record<Overlay, { min: number; max: number }> = {
  prod: { min: 3, max: 10 },
  dev: { min: 1, max: 3 },
};
const expectedNamespace: Record<Overlay, string> = { prod: 'gx-gateway', dev: 'gx-dev' };

/** The sizing the issue asks for (requests–limits), from the protocol's backend and measurement. */
const expectedResources: Record<
  Exclude<Service, 'gx-chaincode'>,
  { cpu: [string, string]; memory: [string, string] }
> = {
  'gx-api': { cpu: ['200m', '1000m'], memory: ['512Mi', '1Gi'] },
  'gx-submitter': { cpu: ['250m', '1000m'], memory: ['512Mi', '1Gi'] },
  'gx-projector': { cpu: ['500m', '2000m'], memory: ['1Gi', '2Gi'] },
};

/** The port each service's own process listens on, as the design names it. */
const servicePorts: Record<Service, { service: number; container: number }> = {
  'gx-api': { service: 80, container: 4000 },
  'gx-submitter': { service: 9090, container: 9090 },
  'gx-projector': { service: 9091, container: 9091 },
  'gx-chaincode': { service: 9999, container: 9999 },
};

describe.each(overlays)('overlay %s', (overlay) => {
  const objects = renderOverlay(overlay);
  const deployment = (name: Service) => objectNamed(objects, 'Deployment', name);

  it('renders and every object validates against the Kubernetes OpenAPI schemas', async () => {
    expect(objects.length).toBeGreaterThan(20);
    const problems: string[] = [];
    for (const object of objects) {
      await validateAgainstOpenApi(object).catch((error: Error) => problems.push(error.message));
    }
    expect(problems).toEqual([]);
  });

  it('puts everything in its namespace', () => {
    const namespaces = objectsOf(objects, 'Namespace');
    expect(namespaces.map((n) => n.metadata.name)).toEqual([expectedNamespace[overlay]]);
    const elsewhere = objects
      .filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== expectedNamespace[overlay])
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(elsewhere).toEqual([]);
  });

  it('runs exactly the four services, with the expected replica counts', () => {
    const deployments = objectsOf(objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual([...services].sort());
    for (const name of services) {
      expect({ name, replicas: deployment(name).spec.replicas }).toEqual({
        name,
        replicas: expectedReplicas[overlay][name],
      });
    }
  });

  it('scales the api with a HorizontalPodAutoscaler on CPU and memory', () => {
    const autoscalers = objectsOf(objects, 'HorizontalPodAutoscaler');
    expect(autoscalers).toHaveLength(1);
    const hpa = autoscalers[0]!;
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gx-api' });
    expect({ min: hpa.spec.minReplicas, max: hpa.spec.maxReplicas }).toEqual(expectedAutoscaling[overlay]);
    const resources = (hpa.spec.metrics as { type: string; resource: { name: string } }[])
      .filter((m) => m.type === 'Resource')
      .map((m) => m.resource.name)
      .sort();
    expect(resources).toEqual(['cpu', 'memory']);
    // the HPA starts from the Deployment's count, so a rollout never begins below the minimum
    expect(deployment('gx-api').spec.replicas).toBe(hpa.spec.minReplicas);
  });

  it.each(services)(
    '%s: secure pod: non-root, read-only root, no escalation, no capabilities, no token',
    (name) => {
      const pod = podOf(deployment(name));
      expect(pod.spec.automountServiceAccountToken).toBe(false);
      const account = objectNamed(objects, 'ServiceAccount', pod.spec.serviceAccountName);
      expect(account.automountServiceAccountToken).toBe(false);
      expect(pod.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(pod.spec.hostNetwork ?? false).toBe(false);
      expect(pod.spec.hostPID ?? false).toBe(false);
      for (const container of pod.allContainers) {
        expect({ container: container.name, securityContext: container.securityContext }).toEqual({
          container: container.name,
          securityContext: {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
        });
      }
    },
  );

  it.each(services)('%s: every container has CPU and memory requests and limits', (name) => {
    for (const container of podOf(deployment(name)).allContainers) {
      const { requests, limits } = container.resources ?? {};
      for (const resource of ['cpu', 'memory']) {
        expect(requests?.[resource], `${container.name} ${resource} request`).toBeDefined();
        expect(limits?.[resource], `${container.name} ${resource} limit`).toBeDefined();
        expect(quantity(requests[resource])).toBeLessThanOrEqual(quantity(limits[resource]));
      }
    }
  });

  it.each(services)('%s: startup, liveness and readiness probes on ports the container opens', (name) => {
    const pod = podOf(deployment(name));
    for (const container of pod.containers) {
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
        const spec = container[probe];
        expect(spec, `${container.name} ${probe}`).toBeDefined();
        const action = spec.httpGet ?? spec.tcpSocket;
        expect(containerPort([container], action.port), `${container.name} ${probe} port`).toBeDefined();
      }
      if (container.livenessProbe.httpGet) {
        expect(container.startupProbe.httpGet.path).toBe('/livez');
        expect(container.livenessProbe.httpGet.path).toBe('/livez');
        expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      }
    }
  });

  it.each(services)(
    '%s: rolling updates never go below the replica count; replicas spread over nodes',
    (name) => {
      const spec = deployment(name).spec;
      expect(spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
      expect(spec.strategy.rollingUpdate.maxSurge).toBeGreaterThanOrEqual(1);
      const pod = podOf(deployment(name));
      const terms = [
        ...(pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(pod.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map(
          (preferred: { podAffinityTerm: unknown }) => preferred.podAffinityTerm,
        ),
      ] as { topologyKey: string; labelSelector: Parameters<typeof selects>[0] }[];
      expect(
        terms.some((t) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector, pod.labels)),
      ).toBe(true);
      expect(selects(spec.selector, pod.labels)).toBe(true);
    },
  );

  it.each(services)('%s: a PodDisruptionBudget covers its pods', (name) => {
    const pod = podOf(deployment(name));
    const budgets = objectsOf(objects, 'PodDisruptionBudget').filter((b) =>
      selects(b.spec.selector, pod.labels),
    );
    expect(budgets).toHaveLength(1);
    const budget = budgets[0]!.spec;
    // with maxUnavailable 1 a drain proceeds even at one replica; minAvailable would have to stay below replicas
    expect(budget.maxUnavailable ?? 0).toBeGreaterThanOrEqual(1);
  });

  it.each(services)('%s: its Service reaches the port its process listens on', (name) => {
    const service = objectNamed(objects, 'Service', name);
    const pod = podOf(deployment(name));
    expect(selects({ matchLabels: service.spec.selector }, pod.labels)).toBe(true);
    const [port] = service.spec.ports as { port: number; targetPort: string | number }[];
    expect(port?.port).toBe(servicePorts[name].service);
    expect(containerPort(pod.containers, port!.targetPort)).toBe(servicePorts[name].container);
  });

  it.each(services)('%s: read-only mounts for secrets; an image from the overlay, with a tag', (name) => {
    const pod = podOf(deployment(name));
    const secretVolumes = new Set(
      (pod.spec.volumes ?? [])
        .filter((v: { secret?: unknown }) => v.secret)
        .map((v: { name: string }) => v.name),
    );
    for (const container of pod.allContainers) {
      for (const mount of container.volumeMounts ?? []) {
        if (secretVolumes.has(mount.name))
          expect(mount.readOnly, `${container.name} ${mount.name}`).toBe(true);
      }
      expect(container.image).toMatch(/^registry\.example\.com\/gx-gateway\/[a-z]+:[\w.-]+$/);
      expect(container.image).not.toMatch(/:latest$/);
    }
  });

  it('metrics ports are announced to Prometheus on the pods that serve /metrics', () => {
    for (const name of ['gx-api', 'gx-submitter', 'gx-projector'] as const) {
      const pod = podOf(deployment(name));
      expect(pod.annotations).toMatchObject({
        'prometheus.io/scrape': 'true',
        'prometheus.io/path': '/metrics',
        'prometheus.io/port': String(servicePorts[name].container),
      });
    }
  });

  describe('NetworkPolicies', () => {
    const policies = objectsOf(objects, 'NetworkPolicy');
    const labelsOf = (name: Service) => podOf(deployment(name)).labels;
    const portOf = (name: Service, port: string) => containerPort(podOf(deployment(name)).containers, port)!;
    const database = { address: '10.1.2.3' };
    const fabricPeer = { namespace: 'fabric', labels: { app: 'peer0-org1' } };
    const ingressController = {
      namespace: 'ingress-nginx',
      labels: { 'app.kubernetes.io/name': 'ingress-nginx' },
    };
    const prometheus = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const dns = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };
    const internet = { address: '203.0.113.10' };

    it('deny everything by default, in both directions', () => {
      const denyAll = policies.filter(
        (p: KubeObject) =>
          Object.keys(p.spec.podSelector ?? {}).length === 0 &&
          !p.spec.ingress &&
          !p.spec.egress &&
          ['Ingress', 'Egress'].every((t) => p.spec.policyTypes?.includes(t)),
      );
      expect(denyAll).toHaveLength(1);
    });

    it.each(services)('%s may resolve names (DNS egress)', (name) => {
      expect(allows(policies, 'Egress', labelsOf(name), dns, 53, 'UDP')).toBe(true);
      expect(allows(policies, 'Egress', labelsOf(name), dns, 53, 'TCP')).toBe(true);
    });

    it('the ingress controller reaches the api, and nothing else', () => {
      expect(
        allows(policies, 'Ingress', labelsOf('gx-api'), ingressController, portOf('gx-api', 'http')),
      ).toBe(true);
      for (const name of ['gx-submitter', 'gx-projector', 'gx-chaincode'] as const) {
        for (const port of [4000, 9090, 9091, 9999]) {
          expect(
            allows(policies, 'Ingress', labelsOf(name), ingressController, port),
            `${name}:${port}`,
          ).toBe(false);
        }
      }
    });

    it('the api, submitter and projector reach Postgres; the chaincode server does not', () => {
      for (const name of ['gx-api', 'gx-submitter', 'gx-projector'] as const) {
        expect(allows(policies, 'Egress', labelsOf(name), database, 5432), name).toBe(true);
      }
      expect(allows(policies, 'Egress', labelsOf('gx-chaincode'), database, 5432)).toBe(false);
    });

    it('only the submitter and projector reach the Fabric gateway peer', () => {
      expect(allows(policies, 'Egress', labelsOf('gx-submitter'), fabricPeer, 7051)).toBe(true);
      expect(allows(policies, 'Egress', labelsOf('gx-projector'), fabricPeer, 7051)).toBe(true);
      expect(allows(policies, 'Egress', labelsOf('gx-api'), fabricPeer, 7051)).toBe(false);
      expect(allows(policies, 'Egress', labelsOf('gx-chaincode'), fabricPeer, 7051)).toBe(false);
    });

    it('the Fabric peers reach the chaincode server', () => {
      const port = portOf('gx-chaincode', 'grpc');
      expect(allows(policies, 'Ingress', labelsOf('gx-chaincode'), fabricPeer, port)).toBe(true);
      expect(allows(policies, 'Ingress', labelsOf('gx-chaincode'), ingressController, port)).toBe(false);
    });

    it('Prometheus reaches each metrics port', () => {
      expect(allows(policies, 'Ingress', labelsOf('gx-api'), prometheus, portOf('gx-api', 'http'))).toBe(
        true,
      );
      expect(
        allows(policies, 'Ingress', labelsOf('gx-submitter'), prometheus, portOf('gx-submitter', 'metrics')),
      ).toBe(true);
      expect(
        allows(policies, 'Ingress', labelsOf('gx-projector'), prometheus, portOf('gx-projector', 'metrics')),
      ).toBe(true);
      const stranger = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } };
      expect(allows(policies, 'Ingress', labelsOf('gx-submitter'), stranger, 9090)).toBe(false);
    });

    it.each(services)('%s opens nothing to the internet', (name) => {
      for (const port of [80, 443, 5432, 7051]) {
        expect(allows(policies, 'Egress', labelsOf(name), internet, port), `${name} → :${port}`).toBe(false);
      }
    });
  });
});

describe('prod sizing', () => {
  const objects = renderOverlay('prod');
  it.each(Object.entries(expectedResources))('%s requests and limits', (name, expected) => {
    const container = podOf(objectNamed(objects, 'Deployment', name)).containers[0] as Container;
    const { requests, limits } = container.resources;
    expect({ cpu: [requests.cpu, limits.cpu], memory: [requests.memory, limits.memory] }).toEqual(expected);
  });
});
