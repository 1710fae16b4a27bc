// Every manifest rule can fail: for each one, a deliberately broken copy of the real production
// (or dev) manifests must produce a violation of that rule, while the real ones produce none.
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules, violations } from './rules/index.ts';
import type { Profile } from './rules/rule.ts';
import { clone, find, type Manifest } from './support/manifest.ts';
import { render } from './support/render.ts';

type Breaker = { profile?: Profile; why: string; breaks: (objects: Manifest[]) => void };

const get = (objects: Manifest[], kind: string, name: string): Manifest => {
  const object = find(objects, kind, name);
  if (object === undefined) throw new Error(`${kind}/${name} is not rendered`);
  return object;
};
const pod = (objects: Manifest[], kind: string, name: string) => get(objects, kind, name).spec.template.spec;
const records = (objects: Manifest[]) => pod(objects, 'Deployment', 'records').containers[0];
const policy = (objects: Manifest[], name: string) => get(objects, 'NetworkPolicy', name).spec;
const remove = (objects: Manifest[], kind: string, name: string) => {
  objects.splice(objects.indexOf(get(objects, kind, name)), 1);
};

const breakers: Record<string, Breaker[]> = {
  'namespace-pod-security-restricted': [
    {
      why: 'enforce baseline',
      breaks: (o) => {
        get(o, 'Namespace', 'healthlane').metadata.labels!['pod-security.kubernetes.io/enforce'] = 'baseline';
      },
    },
  ],
  'pss-host-namespaces': [
    {
      why: 'hostNetwork',
      breaks: (o) => {
        pod(o, 'Deployment', 'gateway').hostNetwork = true;
      },
    },
    {
      why: 'hostPort',
      breaks: (o) => {
        records(o).ports[0].hostPort = 8080;
      },
    },
  ],
  'pss-privileged': [
    {
      why: 'privileged',
      breaks: (o) => {
        records(o).securityContext.privileged = true;
      },
    },
  ],
  'pss-baseline-kernel': [
    {
      why: 'unmasked /proc',
      breaks: (o) => {
        records(o).securityContext.procMount = 'Unmasked';
      },
    },
    {
      why: 'unsafe sysctl',
      breaks: (o) => {
        pod(o, 'StatefulSet', 'nats').securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
      },
    },
    {
      why: 'AppArmor unconfined',
      breaks: (o) => {
        pod(o, 'Deployment', 'gateway').securityContext.appArmorProfile = { type: 'Unconfined' };
      },
    },
  ],
  'pss-volume-types': [
    {
      why: 'hostPath',
      breaks: (o) => {
        pod(o, 'StatefulSet', 'nats').volumes.push({ name: 'host', hostPath: { path: '/' } });
      },
    },
  ],
  'pss-privilege-escalation': [
    {
      why: 'unset',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'nats').containers[1].securityContext.allowPrivilegeEscalation;
      },
    },
  ],
  'pss-run-as-non-root': [
    {
      why: 'runAsUser 0',
      breaks: (o) => {
        records(o).securityContext.runAsUser = 0;
      },
    },
    {
      why: 'no runAsNonRoot',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'mosquitto').securityContext.runAsNonRoot;
        delete pod(o, 'StatefulSet', 'mosquitto').containers[0].securityContext.runAsNonRoot;
      },
    },
  ],
  'pss-capabilities': [
    {
      why: 'NET_ADMIN added',
      breaks: (o) => {
        records(o).securityContext.capabilities.add = ['NET_ADMIN'];
      },
    },
    {
      why: 'nothing dropped',
      breaks: (o) => {
        records(o).securityContext.capabilities.drop = [];
      },
    },
  ],
  'pss-seccomp': [
    {
      why: 'Unconfined',
      breaks: (o) => {
        pod(o, 'Deployment', 'audit').securityContext.seccompProfile.type = 'Unconfined';
      },
    },
  ],
  'user-group-id-at-least-10000': [
    {
      why: 'UID 1000',
      breaks: (o) => {
        pod(o, 'Deployment', 'identity').securityContext.runAsUser = 1000;
      },
    },
  ],
  'read-only-root-filesystem': [
    {
      why: 'writable root',
      breaks: (o) => {
        records(o).securityContext.readOnlyRootFilesystem = false;
      },
    },
    {
      why: 'no /tmp emptyDir',
      breaks: (o) => {
        records(o).volumeMounts = records(o).volumeMounts.filter(
          (m: { mountPath: string }) => m.mountPath !== '/tmp',
        );
      },
    },
  ],
  'resources-requests-and-limits': [
    {
      why: 'no memory limit',
      breaks: (o) => {
        delete records(o).resources.limits.memory;
      },
    },
    {
      why: 'no cpu request',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'nats').containers[1].resources.requests.cpu;
      },
    },
  ],
  'image-pinned': [
    {
      why: 'latest',
      breaks: (o) => {
        records(o).image = 'ghcr.io/healthlane/healthlane:latest';
      },
    },
    {
      why: 'no tag',
      breaks: (o) => {
        pod(o, 'StatefulSet', 'mosquitto').containers[0].image = 'eclipse-mosquitto';
      },
    },
  ],
  'probes-distinct': [
    {
      why: 'no startup probe',
      breaks: (o) => {
        delete records(o).startupProbe;
      },
    },
    {
      why: 'readiness = liveness',
      breaks: (o) => {
        records(o).readinessProbe = clone(records(o).livenessProbe);
      },
    },
  ],
  'rolling-update-max-unavailable-0': [
    {
      why: 'maxUnavailable 1',
      breaks: (o) => {
        get(o, 'Deployment', 'gateway').spec.strategy.rollingUpdate.maxUnavailable = 1;
      },
    },
    {
      why: 'Recreate',
      breaks: (o) => {
        get(o, 'Deployment', 'gateway').spec.strategy = { type: 'Recreate' };
      },
    },
  ],
  'graceful-termination': [
    {
      why: 'grace too short',
      breaks: (o) => {
        pod(o, 'Deployment', 'records').terminationGracePeriodSeconds = 20;
      },
    },
    {
      why: 'no preStop',
      breaks: (o) => {
        delete records(o).lifecycle;
      },
    },
    {
      why: 'no drain delay',
      breaks: (o) => {
        records(o).env.push({ name: 'DRAIN_DELAY_MS', value: '0' });
      },
    },
  ],
  'topology-spread': [
    {
      why: 'no zone spread',
      breaks: (o) => {
        pod(o, 'Deployment', 'records').topologySpreadConstraints.splice(0, 1);
      },
    },
    {
      why: 'selector matches nothing',
      breaks: (o) => {
        for (const c of pod(o, 'StatefulSet', 'nats').topologySpreadConstraints)
          c.labelSelector.matchLabels = { app: 'other' };
      },
    },
  ],
  'service-account-no-token': [
    {
      why: 'token automounted',
      breaks: (o) => {
        get(o, 'ServiceAccount', 'records').automountServiceAccountToken = true;
      },
    },
    {
      why: 'default account',
      breaks: (o) => {
        delete pod(o, 'Deployment', 'audit').serviceAccountName;
      },
    },
    {
      why: 'NATS on the default account',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'nats').serviceAccountName;
      },
    },
    {
      why: 'pod mounts token',
      breaks: (o) => {
        delete pod(o, 'StatefulSet', 'nats').automountServiceAccountToken;
      },
    },
  ],
  'hpa-cpu-and-custom-metric': [
    { why: 'no HPA', breaks: (o) => remove(o, 'HorizontalPodAutoscaler', 'records') },
    {
      why: 'no custom metric',
      breaks: (o) => {
        get(o, 'HorizontalPodAutoscaler', 'monitoring').spec.metrics.splice(1, 1);
      },
    },
    {
      why: 'replicas beside an HPA',
      breaks: (o) => {
        get(o, 'Deployment', 'gateway').spec.replicas = 2;
      },
    },
  ],
  'pod-disruption-budget': [
    { why: 'no PDB', breaks: (o) => remove(o, 'PodDisruptionBudget', 'audit') },
    {
      why: 'maxUnavailable 0',
      breaks: (o) => {
        get(o, 'PodDisruptionBudget', 'nats').spec.maxUnavailable = 0;
      },
    },
  ],
  'replicas-per-profile': [
    {
      why: 'production minReplicas 2',
      breaks: (o) => {
        get(o, 'HorizontalPodAutoscaler', 'records').spec.minReplicas = 2;
      },
    },
    {
      why: 'production NATS 1',
      breaks: (o) => {
        get(o, 'StatefulSet', 'nats').spec.replicas = 1;
      },
    },
    {
      profile: 'dev',
      why: 'dev 2 replicas',
      breaks: (o) => {
        get(o, 'HorizontalPodAutoscaler', 'gateway').spec.minReplicas = 2;
      },
    },
  ],
  'no-inline-secrets': [
    {
      why: 'a Secret object',
      breaks: (o) => {
        o.push({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'x', namespace: 'healthlane' },
          stringData: { a: 'b' },
        });
      },
    },
    {
      why: 'literal DATABASE_URL',
      breaks: (o) => {
        records(o).env[0] = { name: 'DATABASE_URL', value: 'postgresql://u:p@db/x' };
      },
    },
    {
      why: 'unmanaged Secret',
      breaks: (o) => {
        records(o).env[0].valueFrom.secretKeyRef.name = 'hand-made';
      },
    },
    {
      why: 'password in a ConfigMap',
      breaks: (o) => {
        o.find((x) => x.kind === 'ConfigMap')!.data.NATS_URL = 'nats://user:secret@nats:4222';
      },
    },
  ],
  'config-from-configmaps': [
    {
      why: 'missing ConfigMap',
      breaks: (o) => {
        records(o).envFrom[1].configMapRef.name = 'nowhere';
      },
    },
    {
      why: 'no envFrom',
      breaks: (o) => {
        delete records(o).envFrom;
      },
    },
  ],
  'cluster-mode': [
    {
      why: 'serves another service',
      breaks: (o) => {
        records(o).args = ['serve', 'gateway'];
      },
    },
    {
      why: 'embedded database',
      breaks: (o) => {
        records(o).env.push({ name: 'HEALTHLANE_DATA_DIR', value: '/tmp/db' });
      },
    },
  ],
  'network-default-deny': [{ why: 'removed', breaks: (o) => remove(o, 'NetworkPolicy', 'default-deny') }],
  'network-policy-per-workload': [
    { why: 'mosquitto policy removed', breaks: (o) => remove(o, 'NetworkPolicy', 'mosquitto') },
  ],
  'network-allow-dns': [{ why: 'removed', breaks: (o) => remove(o, 'NetworkPolicy', 'allow-dns') }],
  'network-allow-postgres': [
    {
      why: 'audit egress to postgres removed',
      breaks: (o) => {
        policy(o, 'audit').egress.splice(0, 1);
      },
    },
  ],
  'network-allow-nats': [
    {
      why: 'NATS cluster port closed',
      breaks: (o) => {
        policy(o, 'nats').ingress.splice(1, 1);
      },
    },
  ],
  'network-allow-mqtt': [
    {
      why: 'monitoring egress to mosquitto removed',
      breaks: (o) => {
        policy(o, 'monitoring').egress.pop();
      },
    },
  ],
  'network-allow-metrics-scraping': [
    {
      why: 'wrong namespace',
      breaks: (o) => {
        policy(o, 'allow-metrics-scraping').ingress[0].from[0].namespaceSelector.matchLabels[
          'kubernetes.io/metadata.name'
        ] = 'monitoring';
      },
    },
  ],
  'network-ingress-to-gateway-only': [
    {
      why: 'records open to the ingress controller',
      breaks: (o) => {
        policy(o, 'records').ingress.push(clone(policy(o, 'gateway').ingress[0]));
      },
    },
    {
      why: 'gateway closed',
      breaks: (o) => {
        policy(o, 'gateway').ingress.splice(0, 1);
      },
    },
  ],
  'network-nothing-else': [
    {
      why: 'records egress open',
      breaks: (o) => {
        policy(o, 'records').egress.push({});
      },
    },
    {
      why: 'postgres open to all namespaces',
      breaks: (o) => {
        policy(o, 'postgres').ingress.push({ from: [{ namespaceSelector: {} }] });
      },
    },
  ],
  'nats-jetstream-durable': [
    {
      why: 'lazy fsync',
      breaks: (o) => {
        const c = o.find((x) => x.kind === 'ConfigMap' && x.data?.['nats.conf'])!;
        c.data['nats.conf'] = c.data['nats.conf'].replace('sync_interval: always', 'sync_interval: 2m');
      },
    },
    {
      why: 'store on emptyDir',
      breaks: (o) => {
        const c = o.find((x) => x.kind === 'ConfigMap' && x.data?.['nats.conf'])!;
        c.data['nats.conf'] = c.data['nats.conf'].replace('/data/jetstream', '/var/run/nats/js');
      },
    },
    {
      why: 'NATS 2.9',
      breaks: (o) => {
        pod(o, 'StatefulSet', 'nats').containers[0].image = 'nats:2.9.25-alpine';
      },
    },
    {
      why: 'five replicas, three routes',
      breaks: (o) => {
        get(o, 'StatefulSet', 'nats').spec.replicas = 5;
      },
    },
  ],
  'postgres-replicated': [
    {
      why: 'asynchronous',
      breaks: (o) => {
        delete get(o, 'Cluster', 'healthlane-db').spec.postgresql.synchronous;
      },
    },
    {
      why: 'hand-made bootstrap secret',
      breaks: (o) => {
        get(o, 'Cluster', 'healthlane-db').spec.bootstrap.initdb.secret.name = 'manual';
      },
    },
  ],
  'postgres-connection-budget': [
    {
      why: 'records scales to 40',
      breaks: (o) => {
        get(o, 'HorizontalPodAutoscaler', 'records').spec.maxReplicas = 40;
      },
    },
    {
      why: 'max_connections 100',
      breaks: (o) => {
        get(o, 'Cluster', 'healthlane-db').spec.postgresql.parameters.max_connections = '100';
      },
    },
  ],
  'ingress-tls-cert-manager': [
    {
      why: 'no TLS',
      breaks: (o) => {
        delete get(o, 'Ingress', 'healthlane').spec.tls;
      },
    },
    {
      why: 'certificate for another host',
      breaks: (o) => {
        get(o, 'Certificate', 'healthlane-tls').spec.dnsNames = ['other.example.org'];
      },
    },
    {
      why: 'backend is records',
      breaks: (o) => {
        get(o, 'Ingress', 'healthlane').spec.rules[0].http.paths[0].backend.service.name = 'records';
      },
    },
  ],
  'no-dangling-references': [
    {
      why: 'policy for a renamed app',
      breaks: (o) => {
        policy(o, 'records').podSelector.matchLabels['app.kubernetes.io/name'] = 'record';
      },
    },
    {
      why: 'HPA for a missing Deployment',
      breaks: (o) => {
        get(o, 'HorizontalPodAutoscaler', 'audit').spec.scaleTargetRef.name = 'auditor';
      },
    },
    {
      why: 'PDB for nothing',
      breaks: (o) => {
        get(o, 'PodDisruptionBudget', 'gateway').spec.selector.matchLabels = { app: 'gone' };
      },
    },
  ],
  'probe-ports-exist': [
    {
      why: 'liveness on an undeclared port',
      breaks: (o) => {
        records(o).livenessProbe.httpGet.port = 'admin';
      },
    },
  ],
  'service-targets-pods': [
    {
      why: 'selector typo',
      breaks: (o) => {
        get(o, 'Service', 'audit').spec.selector['app.kubernetes.io/name'] = 'audlt';
      },
    },
    {
      why: 'unknown target port',
      breaks: (o) => {
        get(o, 'Service', 'nats').spec.ports[0].targetPort = 'clients';
      },
    },
  ],
};

const real = new Map<Profile, Manifest[]>();
beforeAll(() => {
  real.set('production', render('overlays/production'));
  real.set('dev', render('overlays/dev'));
});

it('has a breaking manifest for every rule', () => {
  expect(Object.keys(breakers).sort()).toEqual(allRules.map((rule) => rule.id).sort());
});

describe.each(allRules.map((rule) => [rule.id, rule] as const))('rule %s', (id, rule) => {
  it.each(breakers[id] ?? [])('is broken by: $why', ({ profile = 'production', breaks }) => {
    const objects = clone(real.get(profile)!);
    expect(violations(objects, profile, [rule])).toEqual([]);
    breaks(objects);
    const found = violations(objects, profile, [rule]);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((message) => message.startsWith(`${id}: `))).toBe(true);
  });
});
