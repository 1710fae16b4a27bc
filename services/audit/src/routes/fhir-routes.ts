// /fhir/R4/AuditEvent: read, vread and search (GET, and POST _search with a form body) over the
// chained log, answered as FHIR JSON; every write is refused — AuditEvents are written only by the
// platform, through the bus, and the log is append-only.
import { fhirJson, Problem } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditConfig } from '../config.ts';
import { parseAuditSearch } from '../domain/search-query.ts';
import { type LoggedEvent, readEvent, searchEvents } from '../store/log-queries.ts';
import type { AuditAccessPolicy } from './audit-access.ts';

export const auditEventPath = '/fhir/R4/AuditEvent';

export interface AuditRouteDeps {
  db: Database;
  config: AuditConfig;
  access: AuditAccessPolicy;
}

export function fhirBase(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}/fhir/R4`;
}

/** The raw query string (escapes intact), without the leading '?'. */
export function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at < 0 ? '' : request.url.slice(at + 1);
}

const idPattern = /^[A-Za-z0-9\-.]{1,64}$/;

function searchsetJson(base: string, query: URLSearchParams, page: LoggedEvent[], hasNext: boolean): string {
  const self = new URLSearchParams(query);
  const link = [{ relation: 'self', url: `${base}/AuditEvent${self.size > 0 ? `?${self}` : ''}` }];
  const last = page.at(-1);
  if (hasNext && last !== undefined) {
    const next = new URLSearchParams(query);
    next.set('_cursor', String(last.seq));
    link.push({ relation: 'next', url: `${base}/AuditEvent?${next}` });
  }
  return JSON.stringify({
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    entry: page.map((event) => ({
      fullUrl: `${base}/AuditEvent/${event.resource.id}`,
      resource: event.resource,
      search: { mode: 'match' },
    })),
  });
}

export function registerAuditEventRoutes(app: FastifyInstance, deps: AuditRouteDeps): void {
  const { db, config, access } = deps;
  const limits = { defaultCount: config.searchDefaultCount, maxCount: config.searchMaxCount };

  // A form body is the search query (POST _search); kept raw, parsed like a query string.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );

  async function search(request: FastifyRequest, reply: FastifyReply, query: URLSearchParams) {
    await access(request, { kind: 'search' });
    const criteria = parseAuditSearch(query, limits);
    const rows = await searchEvents(db, criteria);
    const page = rows.slice(0, criteria.count);
    return reply
      .code(200)
      .type(fhirJson)
      .send(searchsetJson(fhirBase(request), query, page, rows.length > criteria.count));
  }

  async function read(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
    await access(request, { kind: 'read' });
    const { id } = request.params;
    const event = idPattern.test(id) ? await readEvent(db, id) : undefined;
    if (event === undefined) throw Problem.notFound('The AuditEvent was not found');
    return reply
      .code(200)
      .type(fhirJson)
      .header('etag', 'W/"1"')
      .header(
        'last-modified',
        new Date(String((event.resource.meta as { lastUpdated: string }).lastUpdated)).toUTCString(),
      )
      .send(JSON.stringify(event.resource));
  }

  app.get(auditEventPath, (request, reply) => search(request, reply, new URLSearchParams(rawQuery(request))));
  app.post(`${auditEventPath}/_search`, (request, reply) => {
    const form = typeof request.body === 'string' ? request.body : '';
    const query = new URLSearchParams(rawQuery(request));
    for (const [key, value] of new URLSearchParams(form)) query.append(key, value);
    return search(request, reply, query);
  });
  app.get<{ Params: { id: string } }>(`${auditEventPath}/:id`, read);
  app.get<{ Params: { id: string; vid: string } }>(
    `${auditEventPath}/:id/_history/:vid`,
    (request, reply) => {
      // AuditEvents never change: version 1 is the only one.
      if (request.params.vid !== '1') throw Problem.notFound('The AuditEvent has no such version');
      return read(request, reply);
    },
  );

  const refuse = async () => {
    throw Problem.methodNotAllowed(
      'AuditEvents are recorded by the platform only; the audit trail is append-only',
    );
  };
  for (const url of [auditEventPath, `${auditEventPath}/:id`]) {
    // Refused before the body is read: whatever was sent, the answer is the same.
    app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url, onRequest: refuse, handler: refuse });
  }
}
