// A NetworkPolicy evaluator for the rules: would a connection from one endpoint to another on a
// port be allowed by the policies in the rendered namespace? Both sides count, as in Kubernetes:
// the source's egress (when a policy isolates it) and the destination's ingress (likewise).
// Supports what the manifests use: matchLabels pod and namespace selectors, numeric and named
// ports, rules without peers or ports; namespaces are known by kubernetes.io/metadata.name only.
import { containers, type Manifest, podTemplate, selects, workloads } from './manifest.ts';

export interface Endpoint {
  /** Undefined for an address outside the cluster. */
  namespace?: string;
  labels: Record<string, string>;
  /** Container ports, for resolving named ports on a destination. */
  ports: { name?: string; containerPort: number; protocol?: string }[];
}

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

/** The pods the manifests create, by workload (plus CloudNativePG's instances for a Cluster). */
export function podEndpoints(objects: readonly Manifest[]): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  for (const workload of workloads(objects)) {
    endpoints.set(workload.metadata.name, {
      namespace: workload.metadata.namespace,
      labels: podTemplate(workload).metadata?.labels ?? {},
      ports: containers(workload).flatMap((container) => container.ports ?? []),
    });
  }
  for (const cluster of objects.filter((object) => object.kind === 'Cluster')) {
    endpoints.set(cluster.metadata.name, {
      namespace: cluster.metadata.namespace,
      labels: { 'cnpg.io/cluster': cluster.metadata.name },
      ports: [
        { name: 'postgresql', containerPort: 5432 },
        { name: 'metrics', containerPort: 9187 },
        { name: 'status', containerPort: 8000 },
      ],
    });
  }
  return endpoints;
}

/** A pod in another namespace, e.g. Prometheus or the ingress controller. */
export function outsidePod(namespace: string, labels: Record<string, string>): Endpoint {
  return { namespace, labels, ports: [] };
}

// biome-ignore lint/suspicious/noExplicitAny: NetworkPolicy rule bodies are free-form here
type Peer = any;

function peerMatches(peer: Peer, policyNamespace: string | undefined, endpoint: Endpoint): boolean {
  if (peer.ipBlock) return endpoint.namespace === undefined;
  if (endpoint.namespace === undefined) return false;
  const namespaceOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector.matchLabels, { 'kubernetes.io/metadata.name': endpoint.namespace })
    : endpoint.namespace === policyNamespace;
  const podOk = peer.podSelector ? selects(peer.podSelector.matchLabels, endpoint.labels) : true;
  if (peer.namespaceSelector?.matchExpressions || peer.podSelector?.matchExpressions) {
    throw new Error('matchExpressions are not supported by this evaluator');
  }
  return namespaceOk && podOk;
}

function portMatches(rulePorts: Peer[] | undefined, connection: Connection, destination: Endpoint): boolean {
  if (rulePorts === undefined || rulePorts.length === 0) return true;
  const protocol = connection.protocol ?? 'TCP';
  return rulePorts.some((rulePort) => {
    if ((rulePort.protocol ?? 'TCP') !== protocol) return false;
    if (rulePort.port === undefined) return true;
    if (typeof rulePort.port === 'number') {
      return connection.port >= rulePort.port && connection.port <= (rulePort.endPort ?? rulePort.port);
    }
    return destination.ports.some(
      (port) => port.name === rulePort.port && port.containerPort === connection.port,
    );
  });
}

function isolatingPolicies(objects: readonly Manifest[], endpoint: Endpoint, type: 'Ingress' | 'Egress') {
  if (
    objects.some((object) => object.kind === 'NetworkPolicy' && object.spec.podSelector?.matchExpressions)
  ) {
    throw new Error('matchExpressions are not supported by this evaluator');
  }
  return objects.filter(
    (object) =>
      object.kind === 'NetworkPolicy' &&
      object.metadata.namespace === endpoint.namespace &&
      (object.spec.policyTypes ?? ['Ingress']).includes(type) &&
      selects(object.spec.podSelector?.matchLabels, endpoint.labels),
  );
}

/** The namespace the manifests govern: only its policies are known. */
export function allowed(objects: readonly Manifest[], namespace: string, connection: Connection): boolean {
  const { from, to } = connection;
  if (from.namespace === namespace) {
    const policies = isolatingPolicies(objects, from, 'Egress');
    const ok =
      policies.length === 0 ||
      policies.some((policy) =>
        (policy.spec.egress ?? []).some(
          (rule: Peer) =>
            (rule.to === undefined || rule.to.some((peer: Peer) => peerMatches(peer, namespace, to))) &&
            portMatches(rule.ports, connection, to),
        ),
      );
    if (!ok) return false;
  }
  if (to.namespace === namespace) {
    const policies = isolatingPolicies(objects, to, 'Ingress');
    return (
      policies.length === 0 ||
      policies.some((policy) =>
        (policy.spec.ingress ?? []).some(
          (rule: Peer) =>
            (rule.from === undefined || rule.from.some((peer: Peer) => peerMatches(peer, namespace, from))) &&
            portMatches(rule.ports, connection, to),
        ),
      )
    );
  }
  return true;
}
