// Grows a data set from the Synthea Bundles: N new patients (new ids, names, shifted dates; about
// 260 resources each), one transaction Bundle per patient streamed to <out>/bundles/ outside the
// repository, plus <out>/manifest.ndjson (per patient: ids, name, birth date, a few codes and dates) for
// benchmarks to draw query values from. Deterministic for a given --seed.
// Usage: node --import tsx bench/search/grow.ts --patients 1000 [--seed 1] [--out DIR]
import { createWriteStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { syntheaDirectory } from '../../services/records/test/search-oracle/dataset.ts';
import { growPatient, namePools } from './grow-patient.ts';

type Json = Record<string, unknown>;

export interface ManifestLine {
  file: string;
  patientId: string;
  family: string;
  given: string;
  birthDate: string;
  resources: number;
  observationCodes: string[];
  conditionCodes: string[];
  encounterStarts: string[];
}

function firstCoding(concept: unknown): string | undefined {
  const coding = (concept as { coding?: Array<{ system?: string; code?: string }> } | undefined)?.coding?.[0];
  return coding?.system && coding.code ? `${coding.system}|${coding.code}` : undefined;
}

function summary(
  bundle: Json,
): Pick<ManifestLine, 'observationCodes' | 'conditionCodes' | 'encounterStarts'> {
  const observationCodes = new Set<string>();
  const conditionCodes = new Set<string>();
  const encounterStarts: string[] = [];
  for (const entry of bundle.entry as Json[]) {
    const resource = entry.resource as Json;
    const code = firstCoding(resource.code);
    if (resource.resourceType === 'Observation' && code) observationCodes.add(code);
    if (resource.resourceType === 'Condition' && code) conditionCodes.add(code);
    const start = (resource.period as { start?: string } | undefined)?.start;
    if (resource.resourceType === 'Encounter' && start) encounterStarts.push(start);
  }
  return {
    observationCodes: [...observationCodes].slice(0, 20),
    conditionCodes: [...conditionCodes].slice(0, 10),
    encounterStarts: encounterStarts.sort().slice(0, 10),
  };
}

export async function grow(patients: number, seed: number, out: string): Promise<{ resources: number }> {
  const directory = join(syntheaDirectory(), 'bundles');
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.json'))
    .sort();
  const templates = files.map((file) => JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json);
  const pools = namePools(templates);
  mkdirSync(join(out, 'bundles'), { recursive: true });
  const manifest = createWriteStream(join(out, 'manifest.ndjson'));
  let resources = 0;
  for (let index = 0; index < patients; index++) {
    const grown = growPatient(templates[index % templates.length] as Json, index, seed, pools);
    const file = `bundles/patient-${String(index).padStart(6, '0')}.json`;
    writeFileSync(join(out, file), JSON.stringify(grown.bundle));
    resources += grown.resources;
    const line: ManifestLine = {
      file,
      patientId: grown.patientId,
      family: grown.family,
      given: grown.given,
      birthDate: grown.birthDate,
      resources: grown.resources,
      ...summary(grown.bundle),
    };
    if (!manifest.write(`${JSON.stringify(line)}\n`))
      await new Promise<void>((resolve) => manifest.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    manifest.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { resources };
}

export function readManifest(out: string): ManifestLine[] {
  return readFileSync(join(out, 'manifest.ndjson'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ManifestLine);
}

export function defaultGrowFolder(patients: number, seed: number): string {
  return join(tmpdir(), `healthlane-grown-${patients}-seed${seed}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      patients: { type: 'string', default: '1000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const patients = Number(values.patients);
  const seed = Number(values.seed);
  if (!Number.isInteger(patients) || patients < 1 || patients > 100_000)
    throw new Error('--patients must be 1..100000');
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  const out = values.out ?? defaultGrowFolder(patients, seed);
  const started = Date.now();
  const { resources } = await grow(patients, seed, out);
  console.log(
    `grew ${patients} patients, ${resources} resources, into ${out} in ${Math.round((Date.now() - started) / 1000)} s`,
  );
}
