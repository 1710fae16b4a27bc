// Rewrites `Reference.reference` values inside a Bundle's resources: entry identities
// (urn:uuid:/urn:oid: or any other fullUrl) become the `Type/id` the server gave them, and
// conditional references (`Patient?identifier=...`) become the one resource they match.
import { isRecord } from './bundle-request.ts';

/** `Type?criteria` inside a reference: a conditional reference (FHIR R4 http.html#trules). */
const conditionalReference = /^([A-Z][A-Za-z]{1,63})\?(.+)$/;

export interface ConditionalReference {
  type: string;
  criteria: string;
}

export function parseConditionalReference(reference: string): ConditionalReference | undefined {
  const match = conditionalReference.exec(reference);
  return match === null ? undefined : { type: match[1]!, criteria: match[2]! };
}

/** Calls `visit` with every `reference` string of a resource (contained resources included). */
export function forEachReference(value: unknown, visit: (reference: string) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) forEachReference(item, visit);
  } else if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') visit(child);
      else if (typeof child === 'object' && child !== null) forEachReference(child, visit);
    }
  }
}

/**
 * A copy of `value` with every `reference` found in `replacements` replaced; objects without a
 * replaced reference are shared, not copied, so large resources cost one walk and few copies.
 */
export function rewriteReferences<T>(value: T, replacements: ReadonlyMap<string, string>): T {
  if (replacements.size === 0) return value;
  return rewrite(value, replacements) as T;
}

function rewrite(value: unknown, replacements: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const next = rewrite(item, replacements);
      if (next !== item) {
        copy ??= [...value];
        copy[index] = next;
      }
    });
    return copy ?? value;
  }
  if (!isRecord(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(value)) {
    let next: unknown = child;
    if (key === 'reference' && typeof child === 'string') next = replacements.get(child) ?? child;
    else if (typeof child === 'object' && child !== null) next = rewrite(child, replacements);
    if (next !== child) {
      copy ??= { ...value };
      copy[key] = next;
    }
  }
  return copy ?? value;
}
