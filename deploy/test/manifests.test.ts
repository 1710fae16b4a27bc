// The Kustomize base and every overlay render, every object is valid against the Kubernetes
// schemas (kubernetes-models, then strictly: unknown fields refused) or, for custom resources,
// against the schemas in crd-schemas/, and no manifest rule is violated.
import { beforeAll, describe, expect, it } from 'vitest';
import { allRules, violations } from './rules/index.ts';
import type { Profile } from './rules/rule.ts';
import { crdSchemas, validateCustomResources } from './support/crd-schema.ts';
import { isBuiltIn, validateStrictly, validateWithModels } from './support/kubernetes-schema.ts';
import { clone, find, type Manifest } from './support/manifest.ts';
import { type Kustomization, kustomizations, render } from './support/render.ts';

const profiles: Record<Kustomization, Profile> = {
  base: 'base',
  'overlays/dev': 'dev',
  'overlays/production': 'production',
};

const rendered = new Map<Kustomization, Manifest[]>();

beforeAll(() => {
  for (const kustomization of kustomizations) rendered.set(kustomization, render(kustomization));
});

describe.each(kustomizations)('kubectl kustomize deploy/k8s/%s', (kustomization) => {
  const objects = () => rendered.get(kustomization)!;

  it('renders the namespace, every service and the dependencies', () => {
    const names = objects().map((object) => `${object.kind}/${object.metadata.name}`);
    for (const service of ['gateway', 'records', 'identity', 'audit', 'monitoring']) {
      for (const kind of [
        'Deployment',
        'Service',
        'ServiceAccount',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy',
      ]) {
        expect(names).toContain(`${kind}/${service}`);
      }
    }
    for (const name of [
      'Namespace/healthlane',
      'Cluster/healthlane-db',
      'StatefulSet/nats',
      'StatefulSet/mosquitto',
      'Ingress/healthlane',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('is known to a schema: every object is built in or has a custom resource schema here', () => {
    const unknown = objects().filter(
      (object) => !isBuiltIn(object) && crdSchemas[`${object.apiVersion} ${object.kind}`] === undefined,
    );
    expect(unknown.map((object) => `${object.apiVersion} ${object.kind}`)).toEqual([]);
  });

  it('validates against the Kubernetes schemas (kubernetes-models)', async () => {
    expect(await validateWithModels(objects())).toEqual([]);
  });

  it('validates its custom resources strictly', () => {
    expect(validateCustomResources(objects())).toEqual([]);
  });

  it(`breaks no manifest rule (${allRules.length} rules)`, () => {
    expect(violations(objects(), profiles[kustomization])).toEqual([]);
  });
});

// The TypeScript compiler takes seconds per pass, many more on a loaded machine: a generous
// runner timeout (no assertion on time).
describe('strict schema pass (unknown fields refused)', { timeout: 180_000 }, () => {
  it('accepts every built-in object of the base and the overlays', () => {
    const all = kustomizations.flatMap((kustomization) =>
      rendered.get(kustomization)!.map((object) => ({ kustomization, object })),
    );
    const described = new Map(
      all.map(({ kustomization, object }) => [
        object,
        `${kustomization}: ${object.kind}/${object.metadata.name}`,
      ]),
    );
    expect(
      validateStrictly(
        all.map(({ object }) => object),
        (object) => described.get(object)!,
      ),
    ).toEqual([]);
  });

  it('refuses a misspelt field that the OpenAPI schemas let through', async () => {
    const objects = clone(rendered.get('overlays/production')!);
    const deployment = find(objects, 'Deployment', 'records')!;
    deployment.spec.template.spec.containers[0].securityContex = { privileged: true };
    expect(await validateWithModels([deployment])).toEqual([]);
    const problems = validateStrictly([deployment]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('securityContex');
  });

  it('refuses a wrong type and a missing required field', async () => {
    const service = clone(find(rendered.get('base')!, 'Service', 'records')!);
    service.spec.ports[0].port = '8080x';
    const hpa = clone(find(rendered.get('base')!, 'HorizontalPodAutoscaler', 'records')!);
    delete hpa.spec.scaleTargetRef;
    expect(await validateWithModels([service])).not.toEqual([]);
    expect(validateStrictly([service, hpa]).map((problem) => problem.object)).toEqual([
      'Service/records',
      'HorizontalPodAutoscaler/records',
    ]);
  });

  it('refuses unknown fields in custom resources', () => {
    const objects = clone(rendered.get('overlays/production')!);
    find(objects, 'Cluster', 'healthlane-db')!.spec.instancez = 3;
    find(objects, 'ExternalSecret', 'healthlane-database')!.spec.target.templat = {};
    find(objects, 'Certificate', 'healthlane-tls')!.spec.dnsNames = ['not a host'];
    find(objects, 'Issuer', 'healthlane')!.spec.acme.server = 'http://insecure.example.org';
    const broken = new Set(validateCustomResources(objects).map((problem) => problem.object));
    expect([...broken].sort()).toEqual([
      'Certificate/healthlane-tls',
      'Cluster/healthlane-db',
      'ExternalSecret/healthlane-database',
      'Issuer/healthlane',
    ]);
  });
});
