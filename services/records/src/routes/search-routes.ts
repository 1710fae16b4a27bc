// Search over HTTP: GET /Type?…, POST /Type/_search (form body), GET /?… and POST /_search across
// types, GET /Patient/{id}/{Type} (compartment) and GET /Patient/{id}/$everything. Thin: build the
// input, authorize each type searched, run, send the searchset Bundle.
import { fhirJson, Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isResourceType, resourceTypes } from '../domain/fhir-model.ts';
import { assertValidId } from '../domain/resource-id.ts';
import type { SearchInput } from '../search/search-engine.ts';
import { contextOf, headerValue, rawQuery } from './request-context.ts';
import type { InstanceParams, RouteDeps, TypeParams } from './route-deps.ts';

const formMediaType = 'application/x-www-form-urlencoded';

/** `Prefer: handling=lenient` ignores unknown parameters (with a warning); strict is the default. */
function lenient(request: FastifyRequest): boolean {
  return (headerValue(request, 'prefer') ?? '')
    .split(/[,;]/)
    .some((part) => part.replace(/\s/g, '').toLowerCase() === 'handling=lenient');
}

/** The POST _search form body and the URL query together (both may carry parameters). */
function postedQuery(request: FastifyRequest): string {
  const body = typeof request.body === 'string' ? request.body : '';
  return [rawQuery(request), body].filter((part) => part !== '').join('&');
}

function requireType(type: string): void {
  if (!isResourceType(type)) throw Problem.notFound('The resource type is not supported');
}

export function registerSearchRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { db, implemented } = deps;
  const search = deps.service.search;
  app.addContentTypeParser(formMediaType, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const send = (reply: FastifyReply, bundle: string) => reply.code(200).type(fhirJson).send(bundle);

  function input(
    request: FastifyRequest,
    query: string,
    path: string,
  ): Omit<SearchInput, 'types' | 'system' | 'now'> {
    const ctx = contextOf(request);
    return {
      query,
      lenient: lenient(request),
      baseUrl: ctx.baseUrl,
      selfPath: `${ctx.baseUrl}${path}`,
    };
  }

  async function typeSearch(request: FastifyRequest, reply: FastifyReply, type: string, query: string) {
    requireType(type);
    const ctx = contextOf(request);
    const outcome = await search.search(db, ctx, {
      ...input(request, query, `/${type}`),
      types: [type],
      system: false,
    });
    return send(reply, outcome);
  }

  async function systemSearch(request: FastifyRequest, reply: FastifyReply, query: string) {
    const ctx = contextOf(request);
    const outcome = await search.search(db, ctx, {
      ...input(request, query, ''),
      types: resourceTypes(),
      system: true,
    });
    return send(reply, outcome);
  }

  implemented.type.add('search-type');
  app.get<{ Params: TypeParams }>('/fhir/R4/:type', (request, reply) =>
    typeSearch(request, reply, request.params.type, rawQuery(request)),
  );
  app.post<{ Params: TypeParams }>('/fhir/R4/:type/_search', (request, reply) =>
    typeSearch(request, reply, request.params.type, postedQuery(request)),
  );

  implemented.system.add('search-system');
  app.get('/fhir/R4', (request, reply) => systemSearch(request, reply, rawQuery(request)));
  app.post('/fhir/R4/_search', (request, reply) => systemSearch(request, reply, postedQuery(request)));

  app.get<{ Params: InstanceParams & { member: string } }>(
    '/fhir/R4/:type/:id/:member',
    async (request, reply) => {
      const { type, id, member } = request.params;
      requireType(type);
      if (type !== 'Patient') throw Problem.notFound('Only the Patient compartment is supported');
      assertValidId(id);
      const everything = member === '$everything';
      if (!everything) requireType(member);
      const ctx = contextOf(request);
      const path = `/Patient/${id}/${member}`;
      const outcome = await search.compartment(db, ctx, input(request, rawQuery(request), path), {
        patientId: id,
        type: everything ? undefined : member,
      });
      return send(reply, outcome);
    },
  );
}
