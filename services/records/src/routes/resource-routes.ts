// The type and instance interactions: create, read, vread, update, patch, delete and their
// conditional forms. Thin: parse the request, call the ResourceService, shape the reply.
import { fhirJson, Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatETag, httpDate, notModified, parseIfMatch } from '../domain/etag.ts';
import type { DeleteResult, StoredResource, WriteOptions } from '../domain/resource-service.ts';
import { sendRead, sendWrite } from './replies.ts';
import { contextOf, headerValue, rawQuery } from './request-context.ts';
import type { InstanceParams, RouteDeps, TypeParams } from './route-deps.ts';

function writeOptions(ifMatch: string | undefined): WriteOptions {
  return ifMatch === undefined ? {} : { ifMatch: parseIfMatch(ifMatch) };
}

/** If-None-Exist carries the query part; tolerate clients that send `Type?criteria`. */
function ifNoneExistCriteria(header: string): string {
  const criteria = header.slice(header.indexOf('?') + 1).trim();
  if (criteria === '') throw Problem.invalid('If-None-Exist must carry search criteria');
  return criteria;
}

function requireCriteria(query: string): string {
  if (query === '')
    throw Problem.invalid('A conditional operation on a type needs search criteria in the query');
  return query;
}

export function registerResourceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { service, db, implemented } = deps;

  const sendDeleted = (reply: FastifyReply, result: DeleteResult) => {
    if (result.versionId !== undefined) reply.header('etag', formatETag(result.versionId));
    return reply.code(204).send();
  };

  implemented.type.add('create');
  app.post<{ Params: TypeParams }>('/fhir/R4/:type', async (request, reply) => {
    const ctx = contextOf(request);
    const header = headerValue(request, 'if-none-exist');
    const options = header === undefined ? {} : { ifNoneExist: ifNoneExistCriteria(header) };
    const result = await service.inTransaction((tx) =>
      service.create(tx, ctx, request.params.type, request.body, options),
    );
    return sendWrite(request, reply, ctx, result);
  });

  // A conditional read (If-None-Match / If-Modified-Since) of an unchanged version is 304, no body.
  const sendReadUnlessNotModified = (
    request: FastifyRequest,
    reply: FastifyReply,
    resource: StoredResource,
  ) => {
    const ifNoneMatch = headerValue(request, 'if-none-match');
    const ifModifiedSince = headerValue(request, 'if-modified-since');
    if (notModified(ifNoneMatch, ifModifiedSince, resource.versionId, resource.lastUpdated)) {
      return reply
        .code(304)
        .headers({ etag: formatETag(resource.versionId), 'last-modified': httpDate(resource.lastUpdated) })
        .send();
    }
    return sendRead(request, reply, resource);
  };

  implemented.type.add('read');
  app.get<{ Params: InstanceParams }>('/fhir/R4/:type/:id', async (request, reply) => {
    const { type, id } = request.params;
    return sendReadUnlessNotModified(request, reply, await service.read(db, contextOf(request), type, id));
  });

  implemented.type.add('vread');
  app.get<{ Params: InstanceParams & { vid: string } }>(
    '/fhir/R4/:type/:id/_history/:vid',
    async (request, reply) => {
      const { type, id, vid } = request.params;
      return sendReadUnlessNotModified(
        request,
        reply,
        await service.vread(db, contextOf(request), type, id, vid),
      );
    },
  );

  implemented.type.add('update');
  app.put<{ Params: InstanceParams }>('/fhir/R4/:type/:id', async (request, reply) => {
    const ctx = contextOf(request);
    const { type, id } = request.params;
    const options = writeOptions(headerValue(request, 'if-match'));
    const result = await service.inTransaction((tx) =>
      service.update(tx, ctx, type, id, request.body, options),
    );
    return sendWrite(request, reply, ctx, result);
  });

  app.put<{ Params: TypeParams }>('/fhir/R4/:type', async (request, reply) => {
    const ctx = contextOf(request);
    const criteria = requireCriteria(rawQuery(request));
    const options = writeOptions(headerValue(request, 'if-match'));
    const result = await service.inTransaction((tx) =>
      service.conditionalUpdate(tx, ctx, request.params.type, criteria, request.body, options),
    );
    return sendWrite(request, reply, ctx, result);
  });

  implemented.type.add('patch');
  app.patch<{ Params: InstanceParams }>('/fhir/R4/:type/:id', async (request, reply) => {
    const ctx = contextOf(request);
    const { type, id } = request.params;
    const contentType = headerValue(request, 'content-type') ?? '';
    const options = writeOptions(headerValue(request, 'if-match'));
    const result = await service.inTransaction((tx) =>
      service.patch(tx, ctx, type, id, request.body, contentType, options),
    );
    return sendWrite(request, reply, ctx, result);
  });

  implemented.type.add('delete');
  app.delete<{ Params: InstanceParams }>('/fhir/R4/:type/:id', async (request, reply) => {
    const ctx = contextOf(request);
    const { type, id } = request.params;
    const options = writeOptions(headerValue(request, 'if-match'));
    return sendDeleted(
      reply,
      await service.inTransaction((tx) => service.delete(tx, ctx, type, id, options)),
    );
  });

  app.delete<{ Params: TypeParams }>('/fhir/R4/:type', async (request, reply) => {
    const ctx = contextOf(request);
    const criteria = requireCriteria(rawQuery(request));
    const result = await service.inTransaction((tx) =>
      service.conditionalDelete(tx, ctx, request.params.type, criteria),
    );
    return sendDeleted(reply, result);
  });

  implemented.operations.push('validate');
  const validate = (type: string, id: string | undefined, request: FastifyRequest) => {
    const issues = service.validate(contextOf(request), type, request.body, id);
    return JSON.stringify({
      resourceType: 'OperationOutcome',
      issue:
        issues.length > 0
          ? issues
          : [{ severity: 'information', code: 'informational', diagnostics: 'The resource is valid' }],
    });
  };
  app.post<{ Params: TypeParams }>('/fhir/R4/:type/$validate', async (request, reply) =>
    reply
      .code(200)
      .type(fhirJson)
      .send(validate(request.params.type, undefined, request)),
  );
  app.post<{ Params: InstanceParams }>('/fhir/R4/:type/:id/$validate', async (request, reply) =>
    reply
      .code(200)
      .type(fhirJson)
      .send(validate(request.params.type, request.params.id, request)),
  );
}
