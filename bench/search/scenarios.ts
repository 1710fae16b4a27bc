// The search benchmark's queries, each drawing its values (patients, codes, names, dates) from the
// grown data set's manifest so consecutive requests ask different questions.
import type { ManifestLine } from './grow.ts';
import { seeded } from './grow-patient.ts';

export interface Scenario {
  name: string;
  /** The wording of the query. */
  shape: string;
  /** Selective searches are held to the p99 target; the others are reported beside them. */
  selective: boolean;
  paths(manifest: ManifestLine[], count: number, seed: number): string[];
}

const R4 = '/fhir/R4';

function draw(manifest: ManifestLine[], count: number, seed: number): ManifestLine[] {
  const next = seeded(seed);
  return Array.from({ length: count }, () => manifest[Math.floor(next() * manifest.length)] as ManifestLine);
}

const firstOr = (list: string[], fallback: string): string => list[0] ?? fallback;
const enc = encodeURIComponent;

export const scenarios: Scenario[] = [
  {
    name: 'observation-patient-code-sorted',
    shape: 'Observation?patient=X&code=Y&_sort=-date&_count=10',
    selective: true,
    paths: (manifest, count, seed) =>
      draw(manifest, count, seed).map((p, i) => {
        const code =
          p.observationCodes[i % Math.max(1, p.observationCodes.length)] ?? 'http://loinc.org|8302-2';
        return `${R4}/Observation?patient=Patient/${p.patientId}&code=${enc(code)}&_sort=-date&_count=10`;
      }),
  },
  {
    name: 'patient-name-birthdate',
    shape: 'Patient?name=…&birthdate=…',
    selective: true,
    paths: (manifest, count, seed) =>
      draw(manifest, count, seed).map((p) => `${R4}/Patient?name=${enc(p.family)}&birthdate=${p.birthDate}`),
  },
  {
    name: 'condition-code-include-subject',
    shape: 'Condition?code=…&_include=Condition:subject',
    selective: false,
    paths: (manifest, count, seed) =>
      draw(manifest, count, seed).map(
        (p) =>
          `${R4}/Condition?code=${enc(firstOr(p.conditionCodes, 'http://snomed.info/sct|44054006'))}&_include=Condition:subject`,
      ),
  },
  {
    name: 'encounter-patient-date-ge',
    shape: 'Encounter?patient=…&date=ge…',
    selective: true,
    paths: (manifest, count, seed) =>
      draw(manifest, count, seed).map((p) => {
        const start = p.encounterStarts[Math.floor(p.encounterStarts.length / 2)] ?? '2000-01-01';
        return `${R4}/Encounter?patient=Patient/${p.patientId}&date=ge${start.slice(0, 10)}`;
      }),
  },
  {
    name: 'observation-chained-patient-name',
    shape: 'Observation?subject:Patient.name=…',
    selective: true,
    paths: (manifest, count, seed) =>
      draw(manifest, count, seed).map((p) => `${R4}/Observation?subject:Patient.name=${enc(p.family)}`),
  },
  {
    name: 'patient-revinclude-encounter',
    shape: 'Patient?_id=…&_revinclude=Encounter:subject',
    selective: true,
    paths: (manifest, count, seed) =>
      draw(manifest, count, seed).map(
        (p) => `${R4}/Patient?_id=${p.patientId}&_revinclude=Encounter:subject`,
      ),
  },
  {
    name: 'observation-total-accurate',
    shape: 'Observation?status=final&_total=accurate&_count=10 (every Observation)',
    selective: false,
    paths: (_manifest, count) =>
      Array.from({ length: count }, () => `${R4}/Observation?status=final&_total=accurate&_count=10`),
  },
];
