// The oracle's data: the official R4 examples (npm hl7.fhir.r4.examples) of the checked types and
// a slice of the Synthea transaction Bundles in ../shared/data/synthea-r4 (found relative to the
// repository; a clear error when that folder is missing).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The types the issue asks the oracle to cover. */
export const ORACLE_TYPES = [
  'Patient',
  'Observation',
  'Encounter',
  'Condition',
  'Procedure',
  'MedicationRequest',
  'Immunization',
  'DiagnosticReport',
  'Claim',
  'AllergyIntolerance',
  'Practitioner',
  'Organization',
] as const;

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** ../shared/data/synthea-r4 next to the repository (CI and the work machines lay it out so). */
export function syntheaDirectory(): string {
  const directory = resolve(repositoryRoot, '../shared/data/synthea-r4');
  if (!existsSync(join(directory, 'bundles'))) {
    throw new Error(
      `Synthea bundles not found at ${directory}/bundles: the search oracle needs the shared data folder beside the repository (../shared/data)`,
    );
  }
  return directory;
}

/**
 * The first `count` patient Bundles (sorted by file name, so every run takes the same ones) of at
 * most `maxBytes` each (the server's body limit).
 */
export function syntheaBundleFiles(count: number, maxBytes = Number.POSITIVE_INFINITY): string[] {
  const directory = join(syntheaDirectory(), 'bundles');
  return readdirSync(directory)
    .filter((file) => file.endsWith('.json') && statSync(join(directory, file)).size <= maxBytes)
    .sort()
    .slice(0, count)
    .map((file) => join(directory, file));
}

/** The hospital and practitioner Bundles Synthea writes beside the patients. */
export function syntheaProviderFiles(): string[] {
  const directory = syntheaDirectory();
  return readdirSync(directory)
    .filter((file) => /^(hospital|practitioner)Information.*\.json$/.test(file))
    .sort()
    .map((file) => join(directory, file));
}

export type Json = Record<string, unknown>;

/** Official examples of the given types (each a standalone resource with an id, stored with PUT). */
export function officialExamples(types: readonly string[]): Json[] {
  const directory = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));
  const wanted = new Set(types);
  const examples: Json[] = [];
  for (const file of readdirSync(directory).sort()) {
    const type = file.split('-')[0] ?? '';
    if (!file.endsWith('.json') || !wanted.has(type) || statSync(join(directory, file)).size > 1024 * 1024)
      continue;
    const resource = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json;
    if (resource.resourceType === type && typeof resource.id === 'string') examples.push(resource);
  }
  return examples;
}
