// THE hook point for access control at the platform's entry. Token verification (SMART on FHIR
// scopes) and rate limits arrive with the identity service and go here, in this one function.
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Paths anyone may call without a token, even once verification exists. */
export const publicPaths: ReadonlySet<string> = new Set([
  '/',
  '/livez',
  '/readyz',
  '/metrics',
  '/fhir/R4/metadata',
  '/.well-known/smart-configuration',
]);

export function isPublicPath(url: string): boolean {
  return publicPaths.has(url.split('?', 1)[0] ?? '');
}

/**
 * Decides whether a request may proceed. Today there is no identity service to verify tokens
 * against, so every request proceeds: this is deliberately not a fake check. The identity issue
 * replaces the body below with: public paths pass; otherwise verify the bearer token (cached
 * JWKS), attach the principal to the request and throw Problem.unauthorized / Problem.tooMany.
 * Services must keep enforcing scopes and the patient compartment themselves (deny by default).
 */
export async function authenticate(request: FastifyRequest): Promise<void> {
  if (isPublicPath(request.url)) return;
  // No verifier configured yet: allowed. See the function comment for what lands here.
}

export function addAuthentication(app: FastifyInstance): void {
  app.addHook('onRequest', authenticate);
}
