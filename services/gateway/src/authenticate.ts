// THE access check at the platform's entry: public paths pass; every other request needs a valid
// bearer token (JWKS, issuer, audience, expiry, algorithm allow-list, revocations — @healthlane/access),
// whose principal is attached to the request for the services behind; and each client is rate
// limited. Services still enforce scopes × role × compartment themselves (deny by default).
// HEALTHLANE_AUTH=off (development and tests only) skips verification, never the rate limit.
import { authenticateRequest, principalOf, type TokenVerifier } from '@healthlane/access';
import { Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { consolePaths } from './console-files.ts';
import type { RateLimiter } from './rate-limit.ts';

/** Paths anyone may call without a token. */
export const publicPaths: ReadonlySet<string> = new Set([
  '/',
  '/livez',
  '/readyz',
  '/metrics',
  '/fhir/R4/metadata',
  '/.well-known/smart-configuration',
  ...consolePaths.filter((path) => !path.endsWith('*')),
]);

/**
 * Prefixes whose paths are public here: identity's (its OIDC endpoints are public by nature, and its
 * own protected routes — admin, break-glass — verify the token themselves), discovery under the FHIR
 * base, and the console's static files and client-side pages.
 */
export const publicPrefixes: readonly string[] = [
  '/auth/',
  '/fhir/R4/.well-known/',
  '/assets/',
  ...consolePaths.filter((path) => path.endsWith('/*')).map((path) => path.slice(0, -1)),
];

export function isPublicPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return (
    publicPaths.has(path) || path === '/auth' || publicPrefixes.some((prefix) => path.startsWith(prefix))
  );
}

export interface AuthenticationOptions {
  /** Undefined when HEALTHLANE_AUTH=off. */
  verifier: TokenVerifier | undefined;
  limiter: RateLimiter;
}

export function authenticator(options: AuthenticationOptions) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    if (!isPublicPath(request.url) && options.verifier !== undefined) {
      liftWebSocketToken(request);
      await authenticateRequest(request, options.verifier);
    }
    const key = principalOf(request)?.clientId ?? `address:${request.ip}`;
    if (!options.limiter.take(key)) {
      throw Problem.tooMany('Too many requests from this client; slow down', {
        headers: { 'retry-after': '1' },
      });
    }
  };
}

/**
 * A browser cannot set headers on a WebSocket, so a WebSocket upgrade (and only that) may carry
 * its bearer token as the RFC 6750 `access_token` query parameter; it is checked like a header.
 */
function liftWebSocketToken(request: FastifyRequest): void {
  if (request.headers.authorization || request.headers.upgrade?.toLowerCase() !== 'websocket') return;
  const token = new URLSearchParams(request.url.split('?')[1] ?? '').get('access_token');
  if (token) request.headers.authorization = `Bearer ${token}`;
}

export function addAuthentication(app: FastifyInstance, options: AuthenticationOptions): void {
  app.addHook('onRequest', authenticator(options));
}
