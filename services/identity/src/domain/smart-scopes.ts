// Which SMART scopes a client may be given: those it asked for that parse as resource scopes and
// fall within what the client was registered with (a client registered with system/*.cruds may
// ask for system/Observation.rs; user and patient apps for user/ and patient/ scopes).
import { parseResourceScope, parseScopes, scopeWithin } from '@healthlane/access';

/** OIDC and SMART launch scopes the provider knows (anything else must be a resource scope). */
export const staticScopes = [
  'openid',
  'profile',
  'fhirUser',
  'offline_access',
  'online_access',
  'launch',
  'launch/patient',
  'launch/encounter',
] as const;

export function allowedResourceScopes(
  requested: readonly string[],
  registered: string | undefined,
): string[] {
  const granted = parseScopes(registered ?? '').resources;
  const out = new Set<string>();
  for (const word of requested) {
    const scope = parseResourceScope(word);
    if (scope && scopeWithin(scope, granted)) out.add(word);
  }
  return [...out];
}
