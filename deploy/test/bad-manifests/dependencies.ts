// Manifests that break the dependencies, ingress and references rules (rules/dependencies.ts), one or more per rule.
import { type Breaker, get, pod, policy } from './support.ts';

export const dependenciesBreakers: Record<string, Breaker[]> = {
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
