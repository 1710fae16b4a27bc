// Who is calling identity's own protected routes (admin, break-glass, launch, account): the same
// verifier as everywhere, and role checks that answer 403 with an OperationOutcome.
import { authenticateRequest, type Principal, type Role, type TokenVerifier } from '@healthlane/access';
import { Problem } from '@healthlane/kit';
import type { FastifyRequest } from 'fastify';

export async function callerWithRole(
  request: FastifyRequest,
  verifier: TokenVerifier,
  allowed: readonly Role[],
): Promise<Principal> {
  const principal = await authenticateRequest(request, verifier);
  if (!principal.roles.some((role) => allowed.includes(role))) {
    throw Problem.forbidden('This operation needs another role');
  }
  return principal;
}
