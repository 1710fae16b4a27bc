// Public discovery: the SMART configuration under the FHIR base and the public signing keys.
import type { FastifyInstance } from 'fastify';
import type { JWK } from 'jose';
import { smartConfiguration } from '../domain/smart-configuration.ts';

export function registerDiscoveryRoutes(
  app: FastifyInstance,
  options: { issuer: string; publicKeys: JWK[] },
): void {
  const smart = smartConfiguration(options.issuer);
  app.get('/fhir/R4/.well-known/smart-configuration', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send(smart),
  );
  const jwks = { keys: options.publicKeys };
  app.get('/auth/jwks', async (_request, reply) =>
    reply.type('application/jwk-set+json').header('cache-control', 'public, max-age=300').send(jwks),
  );
}
