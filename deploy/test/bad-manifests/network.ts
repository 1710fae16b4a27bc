// Manifests that break the network policy rules (rules/network.ts), one or more per rule.
import { clone } from '../support/manifest.ts';
import { type Breaker, policy, remove } from './support.ts';

export const networkBreakers: Record<string, Breaker[]> = {
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
};
