// Strict validation of the custom resources the manifests use (CloudNativePG Cluster, External
// Secrets ExternalSecret, cert-manager Certificate and Issuer) against the JSON Schemas in
// deploy/test/crd-schemas — written for the fields HealthLane sets, unknown fields refused.
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { SchemaProblem } from './kubernetes-schema.ts';
import type { Manifest } from './manifest.ts';

const schemaDir = new URL('../crd-schemas/', import.meta.url);

/** apiVersion + kind → schema file. */
export const crdSchemas: Record<string, string> = {
  'postgresql.cnpg.io/v1 Cluster': 'cnpg-cluster.schema.json',
  'external-secrets.io/v1 ExternalSecret': 'external-secret.schema.json',
  'cert-manager.io/v1 Certificate': 'cert-manager-certificate.schema.json',
  'cert-manager.io/v1 Issuer': 'cert-manager-issuer.schema.json',
  'cert-manager.io/v1 ClusterIssuer': 'cert-manager-issuer.schema.json',
};

function createValidator(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  ajv.addFormat('hostname', /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  ajv.addFormat('uri', { validate: (text: string) => URL.canParse(text) });
  ajv.addFormat('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
  for (const file of readdirSync(schemaDir).filter((name) => name.endsWith('.schema.json'))) {
    ajv.addSchema(JSON.parse(readFileSync(new URL(file, schemaDir), 'utf8')));
  }
  return ajv;
}

export function validateCustomResources(objects: readonly Manifest[]): SchemaProblem[] {
  const ajv = createValidator();
  const problems: SchemaProblem[] = [];
  for (const object of objects) {
    const schema = crdSchemas[`${object.apiVersion} ${object.kind}`];
    if (schema === undefined) continue;
    const validate = ajv.getSchema(schema)!;
    if (!validate(object)) {
      for (const error of validate.errors ?? []) {
        const detail =
          error.params && 'additionalProperty' in error.params ? ` (${error.params.additionalProperty})` : '';
        problems.push({
          object: `${object.kind}/${object.metadata?.name}`,
          message: `${error.instancePath || '/'} ${error.message}${detail}`,
        });
      }
    }
  }
  return problems;
}
