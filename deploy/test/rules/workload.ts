// How every workload runs: resources, images, probes, updates, shutdown, spreading, identity.
import {
  type Container,
  containers,
  environment,
  type Manifest,
  podTemplate,
  ref,
  serviceDeployments,
  workloads,
} from '../support/manifest.ts';
import type { Rule } from './rule.ts';

function perContainer(objects: Manifest[], check: (workload: Manifest, container: Container) => string[]) {
  return workloads(objects).flatMap((workload) =>
    containers(workload).flatMap((container) =>
      check(workload, container).map((problem) => `${ref(workload)} container ${container.name}: ${problem}`),
    ),
  );
}

/** Probes are compared without their timings: the same check with other thresholds is the same probe. */
function probeTarget(probe: Record<string, unknown> | undefined): string | undefined {
  if (probe === undefined) return undefined;
  const { httpGet, tcpSocket, exec, grpc } = probe as Record<string, unknown>;
  return JSON.stringify({ httpGet, tcpSocket, exec, grpc });
}

function durationSeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)(ms|s|m)?$/.exec(value.trim());
  if (match === null) return undefined;
  const amount = Number(match[1]);
  return match[2] === 's' ? amount : match[2] === 'm' ? amount * 60 : amount / 1000;
}

export const workloadRules: Rule[] = [
  {
    id: 'resources-requests-and-limits',
    requirement: 'requests and limits (CPU and memory) on every container; requests within limits',
    mirrors: 'kube-score container-resources; kube-linter unset-cpu-requirements, unset-memory-requirements',
    check: ({ objects }) =>
      perContainer(objects, (_, container) => {
        const { requests = {}, limits = {} } = container.resources ?? {};
        const missing = ['cpu', 'memory'].flatMap((resource) => [
          ...(requests[resource] === undefined ? [`no ${resource} request`] : []),
          ...(limits[resource] === undefined ? [`no ${resource} limit`] : []),
        ]);
        return missing;
      }),
  },
  {
    id: 'image-pinned',
    requirement: 'images carry an explicit tag (never latest) and a pull policy',
    mirrors: 'kube-score container-image-tag, container-image-pull-policy; kube-linter latest-tag',
    check: ({ objects }) =>
      perContainer(objects, (_, container) => {
        const image: string = container.image ?? '';
        const tag = image.includes('@') ? 'digest' : image.split('/').at(-1)?.split(':')[1];
        return [
          ...(tag === undefined || tag === 'latest' ? [`image "${image}" has no pinned tag`] : []),
          ...(container.imagePullPolicy === undefined ? ['no imagePullPolicy'] : []),
        ];
      }),
  },
  {
    id: 'probes-distinct',
    requirement:
      'startup, readiness and liveness probes on every container, each checking something different',
    mirrors: 'kube-score pod-probes; kube-linter no-liveness-probe, no-readiness-probe; Polaris probes',
    check: ({ objects }) =>
      perContainer(objects, (_, container) => {
        const targets = ['startupProbe', 'readinessProbe', 'livenessProbe'].map((kind) => ({
          kind,
          target: probeTarget(container[kind]),
        }));
        const missing = targets
          .filter((probe) => probe.target === undefined)
          .map((probe) => `no ${probe.kind}`);
        if (missing.length > 0) return missing;
        const [, readiness, liveness] = targets;
        const same = readiness!.target === liveness!.target;
        const sameAll =
          container.startupProbe &&
          JSON.stringify(container.startupProbe) === JSON.stringify(container.livenessProbe);
        return [
          ...(same ? ['readiness and liveness probes check the same thing'] : []),
          ...(sameAll ? ['startup and liveness probes are identical'] : []),
        ];
      }),
  },
  {
    id: 'probe-ports-exist',
    requirement: 'every probe checks a port the container declares',
    mirrors: 'kube-linter liveness-port, readiness-port, startup-port',
    check: ({ objects }) =>
      perContainer(objects, (_, container) =>
        ['startupProbe', 'readinessProbe', 'livenessProbe'].flatMap((kind) => {
          const port = container[kind]?.httpGet?.port ?? container[kind]?.tcpSocket?.port;
          if (port === undefined) return [];
          const declared = (container.ports ?? []).some(
            (p: { name?: string; containerPort: number }) => p.name === port || p.containerPort === port,
          );
          return declared ? [] : [`${kind} checks port ${port}, which the container does not declare`];
        }),
      ),
  },
  {
    id: 'rolling-update-max-unavailable-0',
    requirement: 'Deployments roll with maxUnavailable 0 and a surge',
    mirrors: 'Polaris deploymentMissingReplicas / zero-downtime rollout practice',
    check: ({ objects }) =>
      objects
        .filter((object) => object.kind === 'Deployment')
        .flatMap((deployment) => {
          const strategy = deployment.spec.strategy ?? {};
          const rolling = strategy.rollingUpdate ?? {};
          return strategy.type === 'RollingUpdate' && rolling.maxUnavailable === 0 && rolling.maxSurge !== 0
            ? []
            : [`${ref(deployment)}: rolling update is not maxUnavailable 0 with a surge`];
        }),
  },
  {
    id: 'graceful-termination',
    requirement:
      'a preStop hook, and a termination grace period longer than preStop + SHUTDOWN_TIMEOUT_MS (which includes DRAIN_DELAY_MS > 0)',
    mirrors: 'HealthLane shutdown contract (kube-score and Polaris check only that probes exist)',
    check: ({ objects }) =>
      serviceDeployments(objects).flatMap((deployment) => {
        const pod = podTemplate(deployment).spec;
        const grace = pod.terminationGracePeriodSeconds ?? 30;
        return containers(deployment).flatMap((container) => {
          const where = `${ref(deployment)} container ${container.name}`;
          const preStop = container.lifecycle?.preStop;
          if (preStop === undefined) return [`${where}: no preStop hook`];
          const preStopSeconds = preStop.sleep?.seconds ?? 0;
          const env = environment(objects, container);
          const shutdown = durationSeconds(env.get('SHUTDOWN_TIMEOUT_MS')) ?? 25;
          const drain = durationSeconds(env.get('DRAIN_DELAY_MS')) ?? 0;
          const problems: string[] = [];
          if (drain <= 0) problems.push(`${where}: DRAIN_DELAY_MS is not set above 0`);
          if (drain >= shutdown) problems.push(`${where}: DRAIN_DELAY_MS is not below SHUTDOWN_TIMEOUT_MS`);
          if (grace <= preStopSeconds + shutdown) {
            problems.push(
              `${where}: grace ${grace}s is not longer than preStop ${preStopSeconds}s + shutdown ${shutdown}s`,
            );
          }
          return problems;
        });
      }),
  },
  {
    id: 'topology-spread',
    requirement: 'replicas spread over nodes and zones (topologySpreadConstraints selecting the pods)',
    mirrors: 'kube-score deployment-has-host-podantiaffinity; Polaris topologySpreadConstraint',
    check: ({ objects }) =>
      workloads(objects).flatMap((workload) => {
        const pod = podTemplate(workload);
        const constraints = pod.spec.topologySpreadConstraints ?? [];
        const keys = constraints
          .filter((constraint: { labelSelector?: { matchLabels?: Record<string, string> } }) =>
            Object.entries(constraint.labelSelector?.matchLabels ?? { none: '' }).every(
              ([key, value]) => pod.metadata?.labels?.[key] === value,
            ),
          )
          .map((constraint: { topologyKey: string }) => constraint.topologyKey);
        const wanted =
          workload.kind === 'Deployment' ? ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'] : [];
        const missing = wanted.filter((key) => !keys.includes(key));
        if (keys.length === 0) return [`${ref(workload)}: no topology spread constraint selecting its pods`];
        return missing.map((key) => `${ref(workload)}: not spread over ${key}`);
      }),
  },
  {
    id: 'service-account-no-token',
    requirement:
      'each workload has its own ServiceAccount with automountServiceAccountToken false; no pod mounts a token',
    mirrors: 'Polaris automountServiceAccountToken; kube-linter default-service-account',
    check: ({ objects }) => [
      ...workloads(objects)
        .filter((workload) => podTemplate(workload).spec.automountServiceAccountToken !== false)
        .map((workload) => `${ref(workload)}: the pod may mount a service account token`),
      ...workloads(objects).flatMap((deployment) => {
        const name = podTemplate(deployment).spec.serviceAccountName;
        const account = objects.find(
          (object) => object.kind === 'ServiceAccount' && object.metadata.name === name,
        );
        if (name === undefined || name === 'default' || account === undefined) {
          return [`${ref(deployment)}: does not run under its own ServiceAccount`];
        }
        return account.automountServiceAccountToken === false
          ? []
          : [`ServiceAccount/${name}: automountServiceAccountToken is not false`];
      }),
    ],
  },
];
