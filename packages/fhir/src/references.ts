// Database-free checks of Reference.reference: well-formed, and naming a type the element allows.
import { isResourceType } from './definitions.ts';

const RELATIVE = /^([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const ABSOLUTE_TAIL = /\/([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/;

/** A problem description (never the reference itself), or undefined when the reference is acceptable. */
export function referenceProblem(
  reference: string,
  targetTypes: readonly string[] | undefined,
): string | undefined {
  if (reference.startsWith('#')) return undefined; // contained (checked by the dom-3/ref-1 invariants)
  const relative = RELATIVE.exec(reference);
  let type: string | undefined;
  if (relative) {
    type = relative[1]!;
    if (!isResourceType(type)) return 'The reference names a resource type that does not exist in FHIR R4';
  } else if (SCHEME.test(reference)) {
    // urn:uuid:, urn:oid: and absolute URLs; a RESTful absolute URL still names its type.
    const tail = ABSOLUTE_TAIL.exec(reference);
    if (tail && isResourceType(tail[1]!)) type = tail[1]!;
  } else {
    return 'The reference is malformed: expected Type/id, an absolute URL, a urn:uuid:/urn:oid: or #id';
  }
  if (type && targetTypes && !targetTypes.includes('Resource') && !targetTypes.includes(type)) {
    return `The reference must point to ${targetTypes.join(' or ')}, not to ${type}`;
  }
  return undefined;
}
