// Configuration and secrets: settings come from ConfigMaps that exist, credentials only from
// Secrets that External Secrets Operator (or an operator: CloudNativePG, cert-manager) makes —
// never a Secret or a credential written into the manifests. Services run in cluster mode.
import {
  containers,
  environment,
  find,
  type Manifest,
  ref,
  serviceDeployments,
  workloads,
} from '../support/manifest.ts';
import type { Rule } from './rule.ts';

/** Secrets made by operators from other objects in the manifests, with the object that makes them. */
function operatorSecrets(objects: Manifest[]): Set<string> {
  const names = new Set<string>();
  for (const object of objects) {
    if (object.kind === 'ExternalSecret') names.add(object.spec.target?.name ?? object.metadata.name);
    if (object.kind === 'Certificate') names.add(object.spec.secretName);
    // CloudNativePG makes <cluster>-ca (server CA) for every Cluster.
    if (object.kind === 'Cluster') names.add(`${object.metadata.name}-ca`);
  }
  return names;
}

const credentialName = /(PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|DATABASE_URL|CREDENTIALS)/i;
const credentialInUrl = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

function referencedSecrets(workload: Manifest): string[] {
  const pod = workload.spec.template?.spec ?? {};
  return [
    ...(pod.volumes ?? []).flatMap((volume: { secret?: { secretName: string } }) =>
      volume.secret ? [volume.secret.secretName] : [],
    ),
    ...containers(workload).flatMap((container) => [
      ...(container.env ?? []).flatMap((variable: { valueFrom?: { secretKeyRef?: { name: string } } }) =>
        variable.valueFrom?.secretKeyRef ? [variable.valueFrom.secretKeyRef.name] : [],
      ),
      ...(container.envFrom ?? []).flatMap((source: { secretRef?: { name: string } }) =>
        source.secretRef ? [source.secretRef.name] : [],
      ),
    ]),
  ];
}

export const configurationRules: Rule[] = [
  {
    id: 'no-inline-secrets',
    requirement:
      'no Secret objects or credentials in the manifests; every Secret used is made by External Secrets or an operator',
    mirrors: 'kube-linter env-var-secret, read-secret-from-env-var; Polaris (secrets in env)',
    check: ({ objects }) => {
      const made = operatorSecrets(objects);
      const problems = objects
        .filter((object) => object.kind === 'Secret')
        .map((object) => `${ref(object)}: a Secret written into the manifests`);
      for (const workload of workloads(objects)) {
        for (const name of referencedSecrets(workload)) {
          if (!made.has(name))
            problems.push(`${ref(workload)}: uses Secret ${name}, which nothing here makes`);
        }
        for (const container of containers(workload)) {
          for (const variable of container.env ?? []) {
            if (
              variable.value !== undefined &&
              (credentialName.test(variable.name) || credentialInUrl.test(variable.value))
            ) {
              problems.push(
                `${ref(workload)} container ${container.name}: ${variable.name} is a literal credential`,
              );
            }
          }
        }
      }
      for (const map of objects.filter((object) => object.kind === 'ConfigMap')) {
        for (const [key, value] of Object.entries(map.data ?? {})) {
          if (credentialName.test(key) || credentialInUrl.test(String(value))) {
            problems.push(`${ref(map)}: ${key} looks like a credential`);
          }
        }
      }
      return problems;
    },
  },
  {
    id: 'config-from-configmaps',
    requirement:
      'services take their settings from ConfigMaps (envFrom), and every ConfigMap referenced exists',
    mirrors: 'kube-score (referenced objects exist); twelve-factor config',
    check: ({ objects }) =>
      workloads(objects).flatMap((workload) => {
        const pod = workload.spec.template?.spec ?? {};
        const names = [
          ...(pod.volumes ?? []).flatMap((volume: { configMap?: { name: string } }) =>
            volume.configMap ? [volume.configMap.name] : [],
          ),
          ...containers(workload).flatMap((container) =>
            (container.envFrom ?? []).flatMap((source: { configMapRef?: { name: string } }) =>
              source.configMapRef ? [source.configMapRef.name] : [],
            ),
          ),
        ];
        const problems = names
          .filter((name) => find(objects, 'ConfigMap', name) === undefined)
          .map((name) => `${ref(workload)}: ConfigMap ${name} does not exist`);
        if (
          workload.metadata.labels?.['app.kubernetes.io/component'] === 'service' &&
          !containers(workload).some((c) => (c.envFrom ?? []).length > 0)
        ) {
          problems.push(`${ref(workload)}: takes no configuration from a ConfigMap`);
        }
        return problems;
      }),
  },
  {
    id: 'cluster-mode',
    requirement:
      'each service runs `serve <its name>` against PostgreSQL (DATABASE_URL from a Secret) and NATS, never a data folder',
    mirrors: 'HealthLane deployment contract',
    check: ({ objects }) =>
      serviceDeployments(objects).flatMap((deployment) => {
        const container = containers(deployment)[0];
        const env = environment(objects, container);
        const problems: string[] = [];
        const where = ref(deployment);
        if (JSON.stringify(container.args) !== JSON.stringify(['serve', deployment.metadata.name])) {
          problems.push(`${where}: args are not ["serve", "${deployment.metadata.name}"]`);
        }
        if (!env.get('DATABASE_URL')?.startsWith('secret:'))
          problems.push(`${where}: DATABASE_URL does not come from a Secret`);
        if (!env.get('NATS_URL')?.startsWith('nats://')) problems.push(`${where}: NATS_URL is not set`);
        const dataDir = env.get('HEALTHLANE_DATA_DIR');
        if (dataDir !== undefined && !dataDir.startsWith('memory://')) {
          problems.push(
            `${where}: HEALTHLANE_DATA_DIR ${dataDir} is a folder (nothing may be written to disk)`,
          );
        }
        return problems;
      }),
  },
];
