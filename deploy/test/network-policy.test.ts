// The NetworkPolicy evaluator behind the network rules, on small hand-made policies: both sides
// must allow, named ports resolve on the destination, selectors and empty rules mean what
// Kubernetes says they mean.
import { describe, expect, it } from 'vitest';
import type { Manifest } from './support/manifest.ts';
import { allowed, type Endpoint, outsidePod } from './support/network-policy.ts';

const ns = 'app';
const web: Endpoint = {
  namespace: ns,
  labels: { role: 'web' },
  ports: [{ name: 'http', containerPort: 8080 }],
};
const db: Endpoint = { namespace: ns, labels: { role: 'db' }, ports: [{ name: 'pg', containerPort: 5432 }] };
const other = outsidePod('elsewhere', { role: 'web' });

function policy(name: string, spec: Record<string, unknown>): Manifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec,
  };
}
const denyAll = policy('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const webToDb = policy('web-egress', {
  podSelector: { matchLabels: { role: 'web' } },
  policyTypes: ['Egress'],
  egress: [
    { to: [{ podSelector: { matchLabels: { role: 'db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
  ],
});
const dbFromWeb = policy('db-ingress', {
  podSelector: { matchLabels: { role: 'db' } },
  policyTypes: ['Ingress'],
  ingress: [{ from: [{ podSelector: { matchLabels: { role: 'web' } } }], ports: [{ port: 'pg' }] }],
});

describe('allowed', () => {
  it('allows everything when no policy selects either side', () => {
    expect(allowed([], ns, { from: web, to: db, port: 5432 })).toBe(true);
  });

  it('denies everything under a default deny', () => {
    expect(allowed([denyAll], ns, { from: web, to: db, port: 5432 })).toBe(false);
  });

  it('needs the egress of the source and the ingress of the destination', () => {
    expect(allowed([denyAll, webToDb], ns, { from: web, to: db, port: 5432 })).toBe(false);
    expect(allowed([denyAll, dbFromWeb], ns, { from: web, to: db, port: 5432 })).toBe(false);
    expect(allowed([denyAll, webToDb, dbFromWeb], ns, { from: web, to: db, port: 5432 })).toBe(true);
  });

  it('resolves a named port on the destination and checks port and protocol', () => {
    const objects = [denyAll, webToDb, dbFromWeb];
    expect(allowed(objects, ns, { from: web, to: db, port: 5433 })).toBe(false);
    expect(allowed(objects, ns, { from: web, to: db, port: 5432, protocol: 'UDP' })).toBe(false);
  });

  it('reads a pod selector without a namespace selector as the policy namespace only', () => {
    expect(allowed([denyAll, dbFromWeb], ns, { from: other, to: db, port: 5432 })).toBe(false);
    const fromElsewhere = policy('db-from-elsewhere', {
      podSelector: { matchLabels: { role: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'elsewhere' } } }] },
      ],
    });
    expect(allowed([denyAll, fromElsewhere], ns, { from: other, to: db, port: 5432 })).toBe(true);
  });

  it('treats a rule without peers or ports as any peer, any port', () => {
    const open = policy('web-open', {
      podSelector: { matchLabels: { role: 'web' } },
      policyTypes: ['Egress'],
      egress: [{}],
    });
    expect(allowed([open], ns, { from: web, to: { labels: {}, ports: [] }, port: 443 })).toBe(true);
  });

  it('refuses selectors it cannot evaluate rather than guess', () => {
    const expressions = policy('x', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'role', operator: 'Exists' }] } }] }],
    });
    expect(() => allowed([expressions], ns, { from: web, to: db, port: 5432 })).toThrow('matchExpressions');
  });
});
