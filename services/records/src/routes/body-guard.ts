// Refuses absurdly nested request bodies on every records route (Bundles included) right after
// parsing, before any code walks them recursively; per-resource depth is enforced again, exactly,
// by the ResourceService.
import { Problem } from '@healthlane/kit';
import type { FastifyInstance } from 'fastify';
import { exceedsDepth } from '../domain/resource-body.ts';

/** Room for the envelope around a resource: Bundle.entry[n].resource, Parameters.parameter[n].resource. */
const envelopeDepth = 4;

export function refuseDeepBodies(app: FastifyInstance, maxResourceDepth: number): void {
  const limit = maxResourceDepth + envelopeDepth;
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && exceedsDepth(request.body, limit)) {
      throw Problem.invalid(`The request body nests deeper than ${limit} levels`);
    }
  });
}
