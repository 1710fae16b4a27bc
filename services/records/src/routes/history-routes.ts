// History at instance, type and system level: newest first, `_since`, `_count` (bounded), and
// keyset paging on the version sequence (`_cursor`), so pages stay stable while writes continue.
import { fhirJson, Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { historyBundleJson } from '../domain/history-bundle.ts';
import type { HistoryScope } from '../records-resource-service.ts';
import { contextOf } from './request-context.ts';
import type { InstanceParams, RouteDeps, TypeParams } from './route-deps.ts';

/** FHIR instant or date (YYYY, YYYY-MM, YYYY-MM-DD); a dateTime without a zone is refused as ambiguous. */
const sincePattern = /^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;

interface HistoryParams {
  count: number;
  since?: Date;
  before?: number;
}

function single(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw Problem.invalid(`${name} may be given once`);
  return value;
}

function parseHistoryParams(
  query: Record<string, unknown>,
  defaultCount: number,
  maxCount: number,
): HistoryParams {
  const params: HistoryParams = { count: defaultCount };
  const count = single(query._count, '_count');
  if (count !== undefined) {
    if (!/^\d{1,9}$/.test(count) || Number(count) < 1)
      throw Problem.invalid('_count must be a whole number of at least 1');
    params.count = Math.min(Number(count), maxCount);
  }
  const since = single(query._since, '_since');
  if (since !== undefined) {
    const at = sincePattern.test(since)
      ? Date.parse(since.length === 4 ? `${since}-01-01` : since)
      : Number.NaN;
    if (Number.isNaN(at)) throw Problem.invalid('_since must be a FHIR instant such as 2024-01-31T12:00:00Z');
    params.since = new Date(at);
  }
  const cursor = single(query._cursor, '_cursor');
  if (cursor !== undefined) {
    if (!/^[1-9]\d{0,15}$/.test(cursor)) throw Problem.invalid('_cursor is not a cursor this server issued');
    params.before = Number(cursor);
  }
  return params;
}

function pageLink(base: string, params: HistoryParams, before?: number): string {
  const search = new URLSearchParams({ _count: String(params.count) });
  if (params.since !== undefined) search.set('_since', params.since.toISOString());
  if (before !== undefined) search.set('_cursor', String(before));
  return `${base}?${search}`;
}

export function registerHistoryRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { service, db, config, implemented } = deps;

  async function answer(request: FastifyRequest, reply: FastifyReply, scope: HistoryScope) {
    const ctx = contextOf(request);
    const params = parseHistoryParams(
      request.query as Record<string, unknown>,
      config.historyDefaultCount,
      config.historyMaxCount,
    );
    const rows = await service.history(db, ctx, scope, params);
    const page = rows.slice(0, params.count);
    const path = [scope.type, scope.id].filter((part) => part !== undefined).join('/');
    const base = `${ctx.baseUrl}${path === '' ? '' : `/${path}`}/_history`;
    const links = {
      self: pageLink(base, params, params.before),
      ...(rows.length > params.count ? { next: pageLink(base, params, page.at(-1)!.seq) } : {}),
    };
    return reply
      .code(200)
      .type(fhirJson)
      .send(historyBundleJson(ctx.baseUrl, page, links));
  }

  implemented.system.add('history-system');
  app.get('/fhir/R4/_history', (request, reply) => answer(request, reply, {}));

  implemented.type.add('history-type');
  app.get<{ Params: TypeParams }>('/fhir/R4/:type/_history', (request, reply) =>
    answer(request, reply, { type: request.params.type }),
  );

  implemented.type.add('history-instance');
  app.get<{ Params: InstanceParams }>('/fhir/R4/:type/:id/_history', (request, reply) =>
    answer(request, reply, { type: request.params.type, id: request.params.id }),
  );
}
