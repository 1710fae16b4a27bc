// POST /fhir/R4: batch and transaction Bundles (FHIR R4 http.html#transaction). The records
// service mounts it; the processing itself lives in bundle-processor.ts.
import { fhirJson } from '@healthlane/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RequestContext, ResourceService } from '../domain/resource-service.ts';
import { type BundleOptions, processBundle } from './bundle-processor.ts';
import { matchByCriteria } from './match-by-criteria.ts';
import { returnPreference } from './response-bundle.ts';

export function registerBundleRoute(
  app: FastifyInstance,
  service: ResourceService,
  contextOf: (request: FastifyRequest) => RequestContext,
  options: BundleOptions = {},
): void {
  const settings: BundleOptions = { match: matchByCriteria, ...options };
  app.post('/fhir/R4', async (request, reply) => {
    const preference = returnPreference(request.headers.prefer);
    const result = await processBundle(
      service,
      contextOf(request),
      request.body,
      request.log,
      preference,
      settings,
    );
    return reply.code(200).type(fhirJson).send(result.json);
  });
}
