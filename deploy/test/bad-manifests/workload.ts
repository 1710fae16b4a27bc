// Manifests that break the how workloads run rules (rules/workload.ts), one or more per rule.
import { clone } from '../support/manifest.ts';
import { type Breaker, get, pod, records } from './support.ts';

export const workloadBreakers: Record<string, Breaker[]> = {
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
  'probe-ports-exist': [
    {
      why: 'liveness on an undeclared port',
      breaks: (o) => {
        records(o).livenessProbe.httpGet.port = 'admin';
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
};
