// The platform's dependencies and its way in: NATS JetStream durable by configuration,
// PostgreSQL replicated synchronously, TLS on the Ingress from cert-manager.
import {
  environment,
  find,
  type Manifest,
  podTemplate,
  ref,
  serviceDeployments,
} from '../support/manifest.ts';
import type { Rule } from './rule.ts';

/** The NATS server config the StatefulSet mounts, and where its volumes are. */
function natsSetup(objects: Manifest[]) {
  const statefulSet = find(objects, 'StatefulSet', 'nats');
  if (statefulSet === undefined) return undefined;
  const pod = podTemplate(statefulSet).spec;
  const server = pod.containers.find((container: { name: string }) => container.name === 'nats');
  const configVolume = pod.volumes.find((volume: { configMap?: unknown }) => volume.configMap);
  const config = find(objects, 'ConfigMap', configVolume?.configMap.name ?? '')?.data?.['nats.conf'] as
    | string
    | undefined;
  return { statefulSet, server, config: config ?? '' };
}

export const dependencyRules: Rule[] = [
  {
    id: 'nats-jetstream-durable',
    requirement:
      'NATS ≥ 2.10 with JetStream on file storage on a persistent volume, sync_interval always, and a cluster route to every server',
    mirrors: 'Jepsen NATS 2.12.1 (lazy fsync loses acknowledged writes)',
    check: ({ objects }) => {
      const nats = natsSetup(objects);
      if (nats === undefined) return ['no NATS StatefulSet'];
      const { statefulSet, server, config } = nats;
      const problems: string[] = [];
      const version = /:(\d+)\.(\d+)/.exec(server?.image ?? '');
      if (
        version === null ||
        Number(version[1]) < 2 ||
        (Number(version[1]) === 2 && Number(version[2]) < 10)
      ) {
        problems.push(`${ref(statefulSet)}: image ${server?.image} is not NATS 2.10 or later`);
      }
      if (!/^\s*sync_interval:\s*always\s*$/m.test(config))
        problems.push('nats.conf: sync_interval is not always');
      const storeDir = /^\s*store_dir:\s*(\S+)\s*$/m.exec(config)?.[1];
      const claims = (statefulSet.spec.volumeClaimTemplates ?? []).map(
        (claim: Manifest) => claim.metadata.name,
      );
      const onClaim = (server?.volumeMounts ?? []).some(
        (mount: { name: string; mountPath: string }) =>
          claims.includes(mount.name) && storeDir?.startsWith(mount.mountPath) === true,
      );
      if (!onClaim) problems.push(`nats.conf: store_dir ${storeDir} is not on a persistent volume`);
      const replicas: number = statefulSet.spec.replicas ?? 1;
      const routes = [...config.matchAll(/nats:\/\/(nats-\d+)\./g)].map((match) => match[1]);
      const expected = Array.from({ length: replicas }, (_, index) => `nats-${index}`);
      if (replicas > 1 && JSON.stringify(routes.sort()) !== JSON.stringify(expected)) {
        problems.push(`nats.conf: cluster routes ${routes.join(', ')} do not name the ${replicas} servers`);
      }
      if (replicas === 1 && routes.length > 0)
        problems.push('nats.conf: a single server with cluster routes has no quorum');
      return problems;
    },
  },
  {
    id: 'postgres-replicated',
    requirement:
      'CloudNativePG: with more than one instance, synchronous replication to at least one; bootstrap secret from External Secrets',
    mirrors: 'CloudNativePG recommended architecture',
    check: ({ objects }) =>
      objects
        .filter((object) => object.kind === 'Cluster')
        .flatMap((cluster) => {
          const problems: string[] = [];
          const sync = cluster.spec.postgresql?.synchronous;
          if (cluster.spec.instances > 1 && !(sync?.number >= 1 && sync.number < cluster.spec.instances)) {
            problems.push(
              `${ref(cluster)}: ${cluster.spec.instances} instances without synchronous replication`,
            );
          }
          const secret = cluster.spec.bootstrap?.initdb?.secret?.name;
          if (
            !objects.some((object) => object.kind === 'ExternalSecret' && object.spec.target.name === secret)
          ) {
            problems.push(`${ref(cluster)}: bootstrap secret ${secret} is not made by an ExternalSecret`);
          }
          return problems;
        }),
  },
  {
    id: 'postgres-connection-budget',
    requirement:
      'PostgreSQL max_connections covers every service pod at its HPA maximum × DATABASE_POOL_SIZE, plus 10 reserved',
    mirrors: 'capacity: a scale-out must not exhaust the database connections',
    check: ({ objects }) =>
      objects
        .filter((object) => object.kind === 'Cluster')
        .flatMap((cluster) => {
          const max = Number(cluster.spec.postgresql?.parameters?.max_connections ?? 100);
          let needed = 10;
          for (const deployment of serviceDeployments(objects)) {
            const hpa = objects.find(
              (object) =>
                object.kind === 'HorizontalPodAutoscaler' &&
                object.spec.scaleTargetRef?.name === deployment.metadata.name,
            );
            const pool = Number(
              environment(objects, podTemplate(deployment).spec.containers[0]).get('DATABASE_POOL_SIZE') ??
                10,
            );
            needed += (hpa?.spec.maxReplicas ?? deployment.spec.replicas ?? 1) * pool;
          }
          return needed <= max
            ? []
            : [`${ref(cluster)}: max_connections ${max} < ${needed} the services may open`];
        }),
  },
  {
    id: 'ingress-tls-cert-manager',
    requirement:
      'every Ingress host is served over TLS with a cert-manager Certificate covering it, to the gateway only',
    mirrors: 'kube-score ingress-targets-service; TLS everywhere',
    check: ({ objects }) =>
      objects
        .filter((object) => object.kind === 'Ingress')
        .flatMap((ingress) => {
          const problems: string[] = [];
          for (const rule of ingress.spec.rules ?? []) {
            const tls = (ingress.spec.tls ?? []).find((entry: { hosts: string[] }) =>
              entry.hosts.includes(rule.host),
            );
            const certificate = objects.find(
              (object) => object.kind === 'Certificate' && object.spec.secretName === tls?.secretName,
            );
            if (tls === undefined) problems.push(`${ref(ingress)}: host ${rule.host} has no TLS`);
            else if (certificate === undefined)
              problems.push(`${ref(ingress)}: no Certificate makes ${tls.secretName}`);
            else if (!certificate.spec.dnsNames.includes(rule.host))
              problems.push(`${ref(certificate)}: does not cover ${rule.host}`);
            else {
              const issuer = certificate.spec.issuerRef;
              if (
                issuer.kind !== 'ClusterIssuer' &&
                find(objects, issuer.kind ?? 'Issuer', issuer.name) === undefined
              ) {
                problems.push(`${ref(certificate)}: issuer ${issuer.name} is not in the manifests`);
              }
            }
            for (const path of rule.http?.paths ?? []) {
              if (path.backend.service?.name !== 'gateway')
                problems.push(`${ref(ingress)}: routes ${path.path} to ${path.backend.service?.name}`);
            }
          }
          return problems;
        }),
  },
  {
    id: 'no-dangling-references',
    requirement: 'every NetworkPolicy, PodDisruptionBudget and HPA points at something the manifests create',
    mirrors: 'kube-linter dangling-networkpolicy, dangling-hpa; kube-score (PDB selects pods)',
    check: ({ objects }) => {
      const podLabels: Record<string, string>[] = [
        ...objects
          .filter((object) => ['Deployment', 'StatefulSet'].includes(object.kind))
          .map((object) => podTemplate(object).metadata?.labels ?? {}),
        ...objects
          .filter((object) => object.kind === 'Cluster')
          .map((cluster) => ({ 'cnpg.io/cluster': cluster.metadata.name })),
      ];
      const selectsSomething = (selector: Record<string, string> | undefined) =>
        podLabels.some((labels) =>
          Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value),
        );
      return objects.flatMap((object) => {
        if (object.kind === 'NetworkPolicy' && !selectsSomething(object.spec.podSelector?.matchLabels)) {
          return [`${ref(object)}: selects no pod`];
        }
        if (object.kind === 'PodDisruptionBudget' && !selectsSomething(object.spec.selector?.matchLabels)) {
          return [`${ref(object)}: selects no pod`];
        }
        if (object.kind === 'HorizontalPodAutoscaler') {
          const target = object.spec.scaleTargetRef;
          return find(objects, target.kind, target.name)
            ? []
            : [`${ref(object)}: scales ${target.kind}/${target.name}, which does not exist`];
        }
        return [];
      });
    },
  },
  {
    id: 'service-targets-pods',
    requirement: 'every Service selects pods, on a port those pods declare',
    mirrors: 'kube-score service-targets-pod; kube-linter dangling-service',
    check: ({ objects }) =>
      objects
        .filter((object) => object.kind === 'Service')
        .flatMap((service) => {
          const targets = objects.filter(
            (object) =>
              ['Deployment', 'StatefulSet'].includes(object.kind) &&
              Object.entries(service.spec.selector ?? { none: '' }).every(
                ([key, value]) => podTemplate(object).metadata?.labels?.[key] === value,
              ),
          );
          if (targets.length === 0) return [`${ref(service)}: selects no pods`];
          const ports = targets.flatMap((target) =>
            podTemplate(target).spec.containers.flatMap(
              (container: { ports?: { name?: string; containerPort: number }[] }) => container.ports ?? [],
            ),
          );
          return (service.spec.ports ?? [])
            .filter(
              (port: { targetPort: string | number }) =>
                !ports.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort),
            )
            .map((port: { name: string }) => `${ref(service)}: port ${port.name} targets no container port`);
        }),
  },
];
