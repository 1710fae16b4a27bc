// Validation throughput of @healthlane/fhir on Synthea-like resources (Patient, Encounter, Observation).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { type FhirResource, validateResource } from '../../packages/fhir/src/index.ts';

const BUNDLES = '/work/shared/data/synthea-r4/bundles';
const TYPES = ['Patient', 'Encounter', 'Observation'] as const;
const ROUNDS = 5;

function sample(): Record<(typeof TYPES)[number], FhirResource[]> {
  const byType = { Patient: [], Encounter: [], Observation: [] } as Record<
    (typeof TYPES)[number],
    FhirResource[]
  >;
  for (const file of readdirSync(BUNDLES).filter((f) => f.endsWith('.json'))) {
    const bundle = JSON.parse(readFileSync(join(BUNDLES, file), 'utf8')) as {
      entry: { resource: FhirResource }[];
    };
    for (const { resource } of bundle.entry) {
      const list = byType[resource.resourceType as (typeof TYPES)[number]];
      if (list && list.length < 300) list.push(resource);
    }
  }
  return byType;
}

const startLoad = performance.now();
validateResource({ resourceType: 'Patient' });
const firstUseMs = performance.now() - startLoad;

const resources = sample();
const results: Record<string, { resources: number; perSecond: number; meanMs: number; errors: number }> = {};
for (const type of TYPES) {
  const list = resources[type];
  let errors = 0;
  for (const r of list) errors += validateResource(r).filter((i) => i.severity === 'error').length; // warm-up
  const start = performance.now();
  for (let round = 0; round < ROUNDS; round++) for (const r of list) validateResource(r);
  const seconds = (performance.now() - start) / 1000;
  const count = list.length * ROUNDS;
  results[type] = {
    resources: list.length,
    perSecond: Math.round(count / seconds),
    meanMs: (seconds * 1000) / count,
    errors,
  };
}

const report = {
  scenario: 'fhir-validate',
  date: new Date().toISOString(),
  machine: {
    cpus: cpus().map((c) => c.model)[0],
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  },
  command: 'node --import tsx bench/fhir-validate/run.ts',
  firstUseMs: Math.round(firstUseMs),
  heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  results,
};
console.log(JSON.stringify(report, null, 2));
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/fhir-validate-${report.date.slice(0, 10)}.json`,
  `${JSON.stringify(report, null, 2)}\n`,
);
