// Shared directory resources: Synthea-style bundles each POST their own copy of the same
// Organization, Practitioner, Location or PractitionerRole. Turning those POSTs into conditional
// creates on their identifier makes every copy resolve to one stored resource, and the bundle's
// urn:uuid references follow it (a matched conditional create maps its fullUrl to the match).
import { isRecord } from './bundle-request.ts';

export const sharedDirectoryTypes: ReadonlySet<string> = new Set([
  'Organization',
  'Practitioner',
  'Location',
  'PractitionerRole',
]);

/** FHIR search escaping for a token part (`\`, `|`, `,`, `$`), then URL encoding. */
function tokenPart(value: string): string {
  return encodeURIComponent(value.replace(/[\\|,$]/g, (char) => `\\${char}`));
}

/** `identifier=<system>|<value>` for the first identifier with both, else undefined. */
export function identifierCriteria(resource: Record<string, unknown>): string | undefined {
  const identifiers = Array.isArray(resource.identifier) ? resource.identifier : [];
  for (const identifier of identifiers) {
    if (!isRecord(identifier)) continue;
    const { system, value } = identifier;
    if (typeof system === 'string' && system !== '' && typeof value === 'string' && value !== '')
      return `identifier=${tokenPart(system)}|${tokenPart(value)}`;
  }
  return undefined;
}

/**
 * A copy of a batch/transaction Bundle whose POST entries for shared directory resources carry
 * `request.ifNoneExist` on their identifier. Entries that already have criteria, other types and
 * anything that is not a Bundle pass through unchanged.
 */
export function shareDirectoryResources<T>(bundle: T): T {
  if (!isRecord(bundle) || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) return bundle;
  let changed = false;
  const entry = bundle.entry.map((one: unknown) => {
    if (!isRecord(one) || !isRecord(one.request) || !isRecord(one.resource)) return one;
    const { request, resource } = one;
    if (request.method !== 'POST' || request.ifNoneExist !== undefined) return one;
    if (typeof resource.resourceType !== 'string' || !sharedDirectoryTypes.has(resource.resourceType))
      return one;
    const criteria = identifierCriteria(resource);
    if (criteria === undefined) return one;
    changed = true;
    return { ...one, request: { ...request, ifNoneExist: criteria } };
  });
  return changed ? ({ ...bundle, entry } as T) : bundle;
}
