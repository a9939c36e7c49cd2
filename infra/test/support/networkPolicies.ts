import type { KubeObject } from './kustomize.js';
import { type LabelSelector, selects } from './workloads.js';

/** Who is on the other side of a connection, in the terms the policies use. */
export type Peer =
  | { namespace: string; labels?: Record<string, string> }
  | { address: string }
  | { samePodsAs: Record<string, string> };

interface PolicyPeer {
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { protocol?: string; port?: number | string }[];
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const toNumber = (ip: string) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const blockSize = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(address) / blockSize) === Math.floor(toNumber(base) / blockSize);
}

function peerMatches(policyPeer: PolicyPeer, peer: Peer): boolean {
  if ('address' in peer) {
    const block = policyPeer.ipBlock;
    return (
      !!block &&
      inCidr(peer.address, block.cidr) &&
      !(block.except ?? []).some((c) => inCidr(peer.address, c))
    );
  }
  if (policyPeer.ipBlock) return false;
  if ('samePodsAs' in peer) {
    return !policyPeer.namespaceSelector && selects(policyPeer.podSelector ?? {}, peer.samePodsAs);
  }
  const namespaceLabels = { 'kubernetes.io/metadata.name': peer.namespace };
  const namespaceOk = policyPeer.namespaceSelector
    ? selects(policyPeer.namespaceSelector, namespaceLabels)
    : false;
  const podOk = policyPeer.podSelector ? selects(policyPeer.podSelector, peer.labels ?? {}) : true;
  return namespaceOk && podOk;
}

/**
 * Whether the NetworkPolicies let a pod with these labels receive (ingress) or open (egress) a
 * TCP or UDP connection on a port with a peer, following the API's semantics: allowed when any
 * policy that selects the pod for that direction has a rule matching both peer and port.
 */
export function allows(
  policies: readonly KubeObject[],
  direction: 'Ingress' | 'Egress',
  podLabels: Record<string, string>,
  peer: Peer,
  port: number,
  protocol: 'TCP' | 'UDP' = 'TCP',
): boolean {
  return policies.some((policy) => {
    const spec = policy.spec as {
      podSelector: LabelSelector;
      policyTypes?: string[];
      ingress?: PolicyRule[];
      egress?: PolicyRule[];
    };
    if (!selects(spec.podSelector, podLabels) || !spec.policyTypes?.includes(direction)) return false;
    const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    return rules.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk = !peers || peers.some((p) => peerMatches(p, peer));
      const portOk =
        !rule.ports ||
        rule.ports.some(
          (p) => (p.protocol ?? 'TCP') === protocol && (p.port === undefined || p.port === port),
        );
      return peerOk && portOk;
    });
  });
}
