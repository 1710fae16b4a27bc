// Typed views over rendered Kubernetes objects that the rules share: workloads and their pod
// templates, containers, and environment variables resolved through the ConfigMaps they name.
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  // biome-ignore lint/suspicious/noExplicitAny: rendered objects are checked by the rules, not typed
  spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: ConfigMap data
  data?: any;
  [key: string]: unknown;
}

export const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

export function isWorkload(object: Manifest): boolean {
  return workloadKinds.has(object.kind);
}

export function workloads(objects: readonly Manifest[]): Manifest[] {
  return objects.filter(isWorkload);
}

/** HealthLane's own services (label app.kubernetes.io/component=service). */
export function isService(object: Manifest): boolean {
  return object.metadata.labels?.['app.kubernetes.io/component'] === 'service';
}

export function serviceDeployments(objects: readonly Manifest[]): Manifest[] {
  return objects.filter((object) => object.kind === 'Deployment' && isService(object));
}

// biome-ignore lint/suspicious/noExplicitAny: pod templates are free-form here
export type Pod = { metadata?: { labels?: Record<string, string> }; spec: any };

export function podTemplate(workload: Manifest): Pod {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
}

// biome-ignore lint/suspicious/noExplicitAny: containers are free-form here
export type Container = any;

export function containers(workload: Manifest): Container[] {
  const spec = podTemplate(workload).spec;
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

export function ref(object: Manifest): string {
  return `${object.kind}/${object.metadata.name}`;
}

export function find(objects: readonly Manifest[], kind: string, name: string): Manifest | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** Does a matchLabels selector select these labels? (The manifests use matchLabels only.) */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> = {}) {
  return Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);
}

/**
 * A container's environment as the kubelet builds it: envFrom ConfigMaps in order, then env.
 * Values from Secrets read `secret:<name>/<key>`, from the downward API `field:<path>`; a missing
 * ConfigMap adds nothing.
 */
export function environment(objects: readonly Manifest[], container: Container): Map<string, string> {
  const result = new Map<string, string>();
  for (const source of container.envFrom ?? []) {
    const map = source.configMapRef ? find(objects, 'ConfigMap', source.configMapRef.name) : undefined;
    for (const [key, value] of Object.entries(map?.data ?? {})) result.set(key, String(value));
    if (source.secretRef) {
      for (const key of externalSecretKeys(objects, source.secretRef.name)) {
        result.set(key, `secret:${source.secretRef.name}/${key}`);
      }
    }
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    const field = variable.valueFrom?.fieldRef;
    if (secret) result.set(variable.name, `secret:${secret.name}/${secret.key}`);
    else if (field) result.set(variable.name, `field:${field.fieldPath}`);
    else if (variable.value !== undefined) result.set(variable.name, String(variable.value));
  }
  return result;
}

/** The keys of the Secret an ExternalSecret makes (its template's, or else its data's). */
export function externalSecretKeys(objects: readonly Manifest[], secretName: string): string[] {
  const external = objects.find(
    (object) =>
      object.kind === 'ExternalSecret' && (object.spec.target?.name ?? object.metadata.name) === secretName,
  );
  if (external === undefined) return [];
  const template = external.spec.target?.template?.data;
  return template
    ? Object.keys(template)
    : (external.spec.data ?? []).map((entry: { secretKey: string }) => entry.secretKey);
}

/** Deep copy, so a test can break one object without touching the others. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
