// Manifests that break the configuration and secrets rules (rules/configuration.ts), one or more per rule.
import { type Breaker, records } from './support.ts';

export const configurationBreakers: Record<string, Breaker[]> = {
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
};
