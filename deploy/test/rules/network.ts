// Networking: deny by default, then exactly the flows the platform needs — checked by evaluating
// the rendered NetworkPolicies for each flow (support/network-policy.ts), in both directions.

import {
  type Manifest,
  podTemplate,
  ref,
  selects,
  serviceDeployments,
  workloads,
} from '../support/manifest.ts';
import { allowed, type Endpoint, outsidePod, podEndpoints } from '../support/network-policy.ts';
import type { Rule, RuleContext } from './rule.ts';

const dns = outsidePod('kube-system', { 'k8s-app': 'kube-dns' });
const ingressController = outsidePod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' });
const prometheus = outsidePod('observability', { 'app.kubernetes.io/name': 'prometheus' });
const stranger = outsidePod('default', { app: 'anything' });
const internet: Endpoint = { labels: {}, ports: [] };

/** A connection to check: source, destination, port, what to call it, protocol (TCP by default). */
type Flow = [from: Endpoint, to: Endpoint, port: number, label: string, protocol?: 'TCP' | 'UDP'];

function flows(
  context: RuleContext,
  wanted: (pods: Map<string, Endpoint>, services: string[]) => Flow[],
  expect: boolean,
): string[] {
  const pods = podEndpoints(context.objects);
  const services = serviceDeployments(context.objects).map((deployment) => deployment.metadata.name);
  return wanted(pods, services).flatMap(([from, to, port, label, protocol]) => {
    const ok = allowed(context.objects, context.namespace, { from, to, port, protocol });
    return ok === expect ? [] : [`${label} on ${port}/${protocol ?? 'TCP'} is ${ok ? 'allowed' : 'denied'}`];
  });
}

function pod(pods: Map<string, Endpoint>, name: string): Endpoint {
  const endpoint = pods.get(name);
  if (endpoint === undefined) throw new Error(`no workload ${name} in the manifests`);
  return endpoint;
}

function portNamed(endpoint: Endpoint, name: string): number {
  return endpoint.ports.find((port) => port.name === name)?.containerPort ?? -1;
}

export const networkRules: Rule[] = [
  {
    id: 'network-default-deny',
    requirement: 'a default-deny NetworkPolicy for ingress and egress covers every pod of the namespace',
    mirrors: 'kube-score networkpolicy-targets-pod; kube-linter (namespace has default deny)',
    check: ({ objects }) =>
      objects.some(
        (object: Manifest) =>
          object.kind === 'NetworkPolicy' &&
          Object.keys(object.spec.podSelector ?? {}).length === 0 &&
          ['Ingress', 'Egress'].every((type) => (object.spec.policyTypes ?? []).includes(type)) &&
          (object.spec.ingress ?? []).length === 0 &&
          (object.spec.egress ?? []).length === 0,
      )
        ? []
        : ['no NetworkPolicy denies all ingress and egress for every pod'],
  },
  {
    id: 'network-policy-per-workload',
    requirement: 'every workload has its own NetworkPolicy (besides the namespace-wide ones)',
    mirrors: 'kube-score networkpolicy-targets-pod',
    check: ({ objects }) =>
      workloads(objects)
        .filter(
          (workload) =>
            !objects.some(
              (object) =>
                object.kind === 'NetworkPolicy' &&
                Object.keys(object.spec.podSelector?.matchLabels ?? {}).length > 0 &&
                selects(object.spec.podSelector.matchLabels, podTemplate(workload).metadata?.labels),
            ),
        )
        .map((workload) => `${ref(workload)}: no NetworkPolicy of its own`),
  },
  {
    id: 'network-allow-dns',
    requirement: 'every pod may resolve names through kube-dns (UDP and TCP 53)',
    mirrors: 'explicit allow: DNS',
    check: (context) =>
      flows(
        context,
        (pods) =>
          [...pods].flatMap(([name, endpoint]) => [
            [endpoint, dns, 53, `${name} → kube-dns`, 'UDP'],
            [endpoint, dns, 53, `${name} → kube-dns`, 'TCP'],
          ]),
        true,
      ),
  },
  {
    id: 'network-allow-postgres',
    requirement: 'services reach PostgreSQL; PostgreSQL instances reach each other',
    mirrors: 'explicit allow: PostgreSQL',
    check: (context) =>
      flows(
        context,
        (pods, services) => [
          ...services.map(
            (name): Flow => [pod(pods, name), pod(pods, 'healthlane-db'), 5432, `${name} → postgres`],
          ),
          [pod(pods, 'healthlane-db'), pod(pods, 'healthlane-db'), 5432, 'postgres → postgres'],
        ],
        true,
      ),
  },
  {
    id: 'network-allow-nats',
    requirement: 'services reach NATS clients port; NATS servers reach each other on the cluster port',
    mirrors: 'explicit allow: NATS',
    check: (context) =>
      flows(
        context,
        (pods, services) => [
          ...services.map((name): Flow => [pod(pods, name), pod(pods, 'nats'), 4222, `${name} → nats`]),
          [pod(pods, 'nats'), pod(pods, 'nats'), 6222, 'nats → nats'],
        ],
        true,
      ),
  },
  {
    id: 'network-allow-mqtt',
    requirement: 'the monitoring service reaches the MQTT broker',
    mirrors: 'explicit allow: MQTT',
    check: (context) =>
      flows(
        context,
        (pods) => [[pod(pods, 'monitoring'), pod(pods, 'mosquitto'), 1883, 'monitoring → mosquitto']],
        true,
      ),
  },
  {
    id: 'network-allow-metrics-scraping',
    requirement: 'Prometheus scrapes every service, the NATS exporter and PostgreSQL',
    mirrors: 'explicit allow: metrics scraping',
    check: (context) =>
      flows(
        context,
        (pods, services) => [
          ...services.map(
            (name): Flow => [
              prometheus,
              pod(pods, name),
              portNamed(pod(pods, name), 'http'),
              `prometheus → ${name}`,
            ],
          ),
          [
            prometheus,
            pod(pods, 'nats'),
            portNamed(pod(pods, 'nats'), 'metrics'),
            'prometheus → nats exporter',
          ],
          [prometheus, pod(pods, 'healthlane-db'), 9187, 'prometheus → postgres exporter'],
        ],
        true,
      ),
  },
  {
    id: 'network-ingress-to-gateway-only',
    requirement:
      'the ingress controller reaches the gateway, and nothing else; services reach each other only through it',
    mirrors: 'explicit allow: ingress to the gateway',
    check: (context) => [
      ...flows(
        context,
        (pods, services) => [
          [ingressController, pod(pods, 'gateway'), 8080, 'ingress-nginx → gateway'],
          ...services
            .filter((name) => name !== 'gateway')
            .flatMap((name): Flow[] => [
              [pod(pods, name), pod(pods, 'gateway'), 8080, `${name} → gateway`],
              [pod(pods, 'gateway'), pod(pods, name), 8080, `gateway → ${name}`],
            ]),
        ],
        true,
      ),
      ...flows(
        context,
        (pods, services) =>
          services
            .filter((name) => name !== 'gateway')
            .map((name): Flow => [ingressController, pod(pods, name), 8080, `ingress-nginx → ${name}`]),
        false,
      ),
    ],
  },
  {
    id: 'network-nothing-else',
    requirement:
      'flows nobody asked for stay denied (other namespaces, the internet, service to broker it does not use)',
    mirrors: 'deny by default',
    check: (context) =>
      flows(
        context,
        (pods, services) => [
          [stranger, pod(pods, 'gateway'), 8080, 'default namespace → gateway'],
          [stranger, pod(pods, 'healthlane-db'), 5432, 'default namespace → postgres'],
          [stranger, pod(pods, 'nats'), 4222, 'default namespace → nats'],
          [stranger, pod(pods, 'mosquitto'), 1883, 'default namespace → mosquitto'],
          ...services.map((name): Flow => [pod(pods, name), internet, 443, `${name} → internet`]),
          ...services
            .filter((name) => name !== 'monitoring')
            .map((name): Flow => [pod(pods, name), pod(pods, 'mosquitto'), 1883, `${name} → mosquitto`]),
          [pod(pods, 'records'), pod(pods, 'audit'), 8080, 'records → audit directly'],
          [pod(pods, 'mosquitto'), internet, 443, 'mosquitto → internet'],
        ],
        false,
      ),
  },
];
