// Manifests that break the scaling and disruption rules (rules/availability.ts), one or more per rule.
import { type Breaker, get, remove } from './support.ts';

export const availabilityBreakers: Record<string, Breaker[]> = {
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
};
