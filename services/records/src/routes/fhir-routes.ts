// Mounts the FHIR R4 REST API under /fhir/R4: JSON negotiation, the resource interactions,
// history, Bundles, and the CapabilityStatement generated from what was just registered.
import { fhirJson } from '@healthlane/kit';
import type { FastifyInstance } from 'fastify';
import { registerBundleRoute } from '../bundle/bundle-route.ts';
import { capabilityStatement } from '../domain/capability-statement.ts';
import { resourceTypes } from '../domain/fhir-model.ts';
import { refuseDeepBodies } from './body-guard.ts';
import { negotiateJson } from './content-negotiation.ts';
import { registerHistoryRoutes } from './history-routes.ts';
import { contextOf } from './request-context.ts';
import { registerResourceRoutes } from './resource-routes.ts';
import type { RouteDeps } from './route-deps.ts';
import { registerSearchRoutes } from './search-routes.ts';

export interface FhirRouteOptions extends Omit<RouteDeps, 'implemented'> {
  /** When the service started: the CapabilityStatement's date. */
  startedAt: Date;
  newId: () => string;
}

export function registerFhirRoutes(app: FastifyInstance, options: FhirRouteOptions): void {
  const deps: RouteDeps = { ...options, implemented: { type: new Set(), system: new Set(), operations: [] } };
  const { implemented, service } = deps;
  negotiateJson(app);
  refuseDeepBodies(app, options.config.maxJsonDepth);
  registerResourceRoutes(app, deps);
  registerHistoryRoutes(app, deps);
  registerSearchRoutes(app, deps);

  registerBundleRoute(app, service, contextOf, {
    newId: options.newId,
    match: (tx, ctx, type, criteria) => service.match(tx, ctx, type, criteria),
  });
  implemented.system.add('transaction');
  implemented.system.add('batch');

  app.get('/fhir/R4/metadata', async (request, reply) => {
    const statement = capabilityStatement(contextOf(request).baseUrl, {
      resourceTypes: resourceTypes(),
      typeInteractions: implemented.type,
      systemInteractions: implemented.system,
      typeOperations: implemented.operations,
      conditionalCreate: true,
      conditionalUpdate: true,
      conditionalDelete: 'single',
      startedAt: options.startedAt,
    });
    return reply.code(200).type(fhirJson).send(JSON.stringify(statement));
  });
}
