// The PATCH formats and which one a request uses: JSON Patch (application/json-patch+json) or
// FHIRPath Patch (a Parameters resource as FHIR JSON); anything else is 415.
import { Problem } from '@healthlane/kit';
import { applyFhirPathPatch } from './fhirpath-patch.ts';
import { applyJsonPatch } from './json-patch.ts';
import type { JsonObject } from './resource-body.ts';

export type PatchFormat = 'json-patch' | 'fhirpath-patch';

const fhirJsonTypes = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);

export function patchFormat(contentType: string): PatchFormat {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json-patch+json') return 'json-patch';
  if (fhirJsonTypes.has(type)) return 'fhirpath-patch';
  throw Problem.unsupportedMediaType(
    'PATCH bodies must be JSON Patch (application/json-patch+json) or FHIRPath Patch (application/fhir+json)',
  );
}

/** Applies the patch to a copy of `resource`. */
export function applyPatch(format: PatchFormat, resource: JsonObject, patch: unknown): JsonObject {
  return format === 'json-patch' ? applyJsonPatch(resource, patch) : applyFhirPathPatch(resource, patch);
}
