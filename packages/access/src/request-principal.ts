// Authentication of an HTTP request: the bearer token is verified once per request (by the first
// hook that sees it: the gateway's in the all-in-one process, the service's own when distributed)
// and the principal is kept with the request for every later decision.
import { Problem } from '@healthlane/kit';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal.ts';
import type { TokenVerifier } from './verifier.ts';

const principals = new WeakMap<FastifyRequest['raw'], Principal>();

/** The verified principal of a request, or undefined when it carried none (public route, auth off). */
export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request.raw);
}

function challenge(error?: { code: string; description: string }): Record<string, string> {
  const parts = ['Bearer realm="healthlane"'];
  if (error) parts.push(`error="${error.code}"`, `error_description="${error.description}"`);
  return { 'www-authenticate': parts.join(', ') };
}

/**
 * Verifies the request's bearer token and attaches the principal; throws Problem.unauthorized
 * (401 with WWW-Authenticate and an OperationOutcome) when it is missing or invalid. A request
 * already authenticated (the all-in-one process runs the gateway's hook first) is not verified twice.
 */
export async function authenticateRequest(
  request: FastifyRequest,
  verifier: TokenVerifier,
): Promise<Principal> {
  const known = principals.get(request.raw);
  if (known !== undefined) return known;
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header) : null;
  if (!match) {
    throw Problem.unauthorized('An access token is required', { headers: challenge() });
  }
  const result = await verifier.verify(match[1]!);
  if (!result.ok && result.error === 'unavailable') {
    throw Problem.unavailable(result.description, { headers: { 'retry-after': '5' } });
  }
  if (!result.ok) {
    throw Problem.unauthorized(result.description, {
      headers: challenge({ code: result.error, description: result.description }),
    });
  }
  principals.set(request.raw, result.principal);
  return result.principal;
}
