// The signed-in user's own account: enrol (or replace) a TOTP authenticator. The secret is shown
// once, in this response only.
import { authenticateRequest, type TokenVerifier } from '@healthlane/access';
import { Problem } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { newTotpSecret, totpUri } from '../domain/totp.ts';
import { findUser, setTotpSecret } from '../store/users.ts';

export function registerAccountRoutes(
  app: FastifyInstance,
  deps: { db: Database; verifier: TokenVerifier; now: () => Date },
): void {
  app.post('/auth/account/totp', async (request, reply) => {
    const principal = await authenticateRequest(request, deps.verifier);
    if (principal.kind !== 'user') throw Problem.forbidden('Only users enrol an authenticator');
    const user = await findUser(deps.db, principal.subject);
    if (user === undefined) throw Problem.notFound('The user was not found');
    const secret = newTotpSecret();
    await setTotpSecret(deps.db, user.id, secret, deps.now());
    return reply
      .header('cache-control', 'no-store')
      .code(201)
      .send({ secret, uri: totpUri(secret, user.username) });
  });
}
