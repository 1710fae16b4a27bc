// FHIR logical ids and version ids: the shapes the URL and the body must have before anything is read or stored.
import { Problem } from '@healthlane/kit';

/** FHIR R4 `id`: 1-64 of A-Z a-z 0-9 - . */
const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;
/** Version ids this server writes: 1, 2, 3, ... */
const versionPattern = /^[1-9][0-9]{0,9}$/;

export function isValidId(id: string): boolean {
  return idPattern.test(id);
}

export function assertValidId(id: string): void {
  if (!isValidId(id)) {
    throw Problem.invalid('The resource id is not a valid FHIR id (1-64 characters A-Z a-z 0-9 - .)');
  }
}

/** A version id this server could have written, or undefined (which no version matches). */
export function parseVersionId(text: string): number | undefined {
  return versionPattern.test(text) ? Number(text) : undefined;
}
