// The clinician console's OAuth client, `healthlane-console`: a public client (no secret; PKCE S256,
// which the provider requires of every code flow) that signs users in at the console the gateway
// serves at HEALTHLANE_PUBLIC_URL, and returns them there after signing out. The platform owns it,
// so it is written at every start: a changed public URL (another port, a real host name) moves its
// redirect URIs with it.
import type { Database } from '@healthlane/store';
import type { Logger } from 'pino';

export const consoleClientId = 'healthlane-console';
/** What the console may be given: OIDC sign-in, a refresh token, and the user's own FHIR access. */
export const consoleClientScope = 'openid fhirUser offline_access user/*.cruds';

/** Where the console is served and its sign-in callback and post-sign-out page (apps/web). */
export function consoleUrls(publicUrl: string): { console: string; redirect: string; postLogout: string } {
  const base = publicUrl.replace(/\/+$/, '');
  return { console: `${base}/`, redirect: `${base}/signin/callback`, postLogout: `${base}/signin` };
}

export function consoleClientMetadata(publicUrl: string): Record<string, unknown> {
  const urls = consoleUrls(publicUrl);
  return {
    client_id: consoleClientId,
    client_name: 'HealthLane clinician console',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: [urls.redirect],
    post_logout_redirect_uris: [urls.postLogout],
    token_endpoint_auth_method: 'none',
    hl_scope: consoleClientScope,
  };
}

export async function provisionConsoleClient(db: Database, publicUrl: string, logger: Logger): Promise<void> {
  await db.query(
    `INSERT INTO identity.oidc_model (model, id, payload) VALUES ('Client', $1, $2)
     ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload`,
    [consoleClientId, consoleClientMetadata(publicUrl)],
  );
  logger.debug('console client provisioned');
}
