// OpenID Connect authorization code flow with PKCE (S256) against HealthLane's own provider:
// discovery, the authorization redirect, the code exchange, refresh, and the end-session URL.
// Protocol only: where tokens are kept is session.ts.
import { codeChallengeS256, createCodeVerifier, randomToken } from './pkce.ts';

export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  code_challenge_methods_supported?: string[];
}

export interface TokenSet {
  accessToken: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  refreshToken?: string;
  idToken?: string;
  scope?: string;
  /** SMART launch context, when the provider sends one. */
  patient?: string;
}

export interface ClientSettings {
  clientId: string;
  redirectUri: string;
  /** Where the provider returns the browser after signing out (registered for the client). */
  postLogoutRedirectUri: string;
  scope: string;
}

/** The `state` the provider hands back to the post-logout page: the console says it signed out. */
export const signedOutState = 'signed-out';

/** What the browser keeps between the redirect out and the callback (sessionStorage). */
export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class SignInError extends Error {}

/**
 * Finds the sign-in service the way a SMART app does: the FHIR server's
 * `/fhir/R4/.well-known/smart-configuration` names the issuer and its endpoints; the issuer's
 * OpenID Connect discovery document (`<issuer>/.well-known/openid-configuration`) adds the rest
 * (end-session). Undefined when the platform runs no sign-in service (404): the console says so
 * instead of pretending to sign in.
 */
export async function discover(fetcher: FetchLike, origin: string): Promise<ProviderMetadata | undefined> {
  const smart = await fetchJson(fetcher, `${origin}/fhir/R4/.well-known/smart-configuration`);
  if (smart === undefined) return undefined;
  const issuer = typeof smart.issuer === 'string' ? smart.issuer : undefined;
  const oidc = issuer
    ? await fetchJson(fetcher, `${issuer}/.well-known/openid-configuration`).catch(() => undefined)
    : undefined;
  const metadata = { ...smart, ...oidc } as Partial<ProviderMetadata>;
  if (typeof metadata.authorization_endpoint !== 'string' || typeof metadata.token_endpoint !== 'string') {
    throw new SignInError('The sign-in service published an incomplete discovery document');
  }
  const methods = metadata.code_challenge_methods_supported;
  if (methods && !methods.includes('S256'))
    throw new SignInError('The sign-in service does not offer PKCE S256');
  return { ...metadata, issuer: issuer ?? origin } as ProviderMetadata;
}

async function fetchJson(fetcher: FetchLike, url: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetcher(url, { headers: { accept: 'application/json' } });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new SignInError(`The sign-in service answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Builds the authorization request; the caller stores `pending` and navigates to `url`. */
export async function authorizationRequest(
  metadata: ProviderMetadata,
  client: ClientSettings,
  returnTo: string,
): Promise<{ url: string; pending: PendingSignIn }> {
  const pending: PendingSignIn = {
    state: randomToken(),
    nonce: randomToken(),
    verifier: createCodeVerifier(),
    returnTo,
  };
  const url = new URL(metadata.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    scope: client.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await codeChallengeS256(pending.verifier),
    code_challenge_method: 'S256',
  }).toString();
  return { url: url.toString(), pending };
}

/** Handles the redirect back: checks `state`, exchanges the code, checks the ID token's claims. */
export async function exchangeCode(
  fetcher: FetchLike,
  metadata: ProviderMetadata,
  client: ClientSettings,
  callback: URLSearchParams,
  pending: PendingSignIn | undefined,
  now: () => number,
): Promise<TokenSet> {
  const error = callback.get('error');
  if (error) throw new SignInError(callback.get('error_description') ?? `Sign-in was refused (${error})`);
  if (!pending || callback.get('state') !== pending.state) {
    throw new SignInError('This sign-in response does not belong to a sign-in started here; start again');
  }
  const code = callback.get('code');
  if (!code) throw new SignInError('The sign-in response carries no authorization code');
  const tokens = await tokenRequest(fetcher, metadata, now, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirectUri,
    client_id: client.clientId,
    code_verifier: pending.verifier,
  });
  if (tokens.idToken) checkIdToken(tokens.idToken, metadata.issuer, client.clientId, pending.nonce);
  return tokens;
}

export async function refresh(
  fetcher: FetchLike,
  metadata: ProviderMetadata,
  client: ClientSettings,
  refreshToken: string,
  now: () => number,
): Promise<TokenSet> {
  const tokens = await tokenRequest(fetcher, metadata, now, {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: client.clientId,
  });
  // A provider that does not rotate refresh tokens answers without one: keep the current one.
  return { ...tokens, refreshToken: tokens.refreshToken ?? refreshToken };
}

/**
 * Where to end the provider's session too (RP-initiated logout), so the next person at this
 * workstation has to sign in; the provider asks the user to confirm, then returns the browser to
 * the console's sign-in page (the client's registered post-logout redirect URI).
 */
export function endSessionUrl(
  metadata: ProviderMetadata,
  client: ClientSettings,
  idToken: string | undefined,
): string | undefined {
  if (!metadata.end_session_endpoint) return undefined;
  const url = new URL(metadata.end_session_endpoint);
  const params = new URLSearchParams({
    client_id: client.clientId,
    post_logout_redirect_uri: client.postLogoutRedirectUri,
    state: signedOutState,
  });
  if (idToken) params.set('id_token_hint', idToken);
  url.search = params.toString();
  return url.toString();
}

/**
 * Revokes a refresh token (RFC 7009): ending the provider's session leaves offline_access grants
 * alive, so signing out revokes the console's own. Best effort: sign-out goes on if it fails.
 */
export async function revokeToken(
  fetcher: FetchLike,
  metadata: ProviderMetadata,
  client: ClientSettings,
  token: string,
): Promise<void> {
  if (!metadata.revocation_endpoint) return;
  await fetcher(metadata.revocation_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      token,
      token_type_hint: 'refresh_token',
      client_id: client.clientId,
    }).toString(),
  }).catch(() => undefined);
}

async function tokenRequest(
  fetcher: FetchLike,
  metadata: ProviderMetadata,
  now: () => number,
  form: Record<string, string>,
): Promise<TokenSet> {
  const response = await fetcher(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error_description === 'string' ? body.error_description : body.error;
    throw new SignInError(
      `The sign-in service refused the token request${reason ? `: ${String(reason)}` : ''}`,
    );
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 300;
  return {
    accessToken: body.access_token,
    expiresAt: now() + expiresIn * 1000,
    refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : undefined,
    idToken: typeof body.id_token === 'string' ? body.id_token : undefined,
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    patient: typeof body.patient === 'string' ? body.patient : undefined,
  };
}

/** The claims of a compact JWS, unverified: used only for display and the checks below. */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new SignInError('The ID token is not a JWT');
  const text = atob(payload.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = Uint8Array.from(text, (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
}

/**
 * OIDC Core 3.1.3.7: the ID token came straight from the token endpoint over the platform's own
 * connection, so TLS stands in for the signature; issuer, audience and nonce are still checked.
 */
function checkIdToken(idToken: string, issuer: string, clientId: string, nonce: string): void {
  const claims = jwtClaims(idToken);
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== issuer || !audience.includes(clientId) || claims.nonce !== nonce) {
    throw new SignInError('The ID token does not match this sign-in');
  }
}
