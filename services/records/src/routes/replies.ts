// Shaping FHIR replies: stored JSON sent as-is with ETag and Last-Modified, writes answered per
// `Prefer: return=`, and _summary/_elements (the one case where a stored resource is re-serialized).
import { fhirJson, type OperationOutcome, Problem } from '@healthlane/kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatETag, httpDate } from '../domain/etag.ts';
import { type FhirResource, type SummaryMode, selectElements, summarize } from '../domain/fhir-model.ts';
import { parseReturnPreference } from '../domain/prefer.ts';
import type { RequestContext, StoredResource, WriteResult } from '../domain/resource-service.ts';
import { headerValue } from './request-context.ts';

const summaryModes = new Set<string>(['true', 'text', 'data', 'false']);

function versionHeaders(resource: StoredResource): Record<string, string> {
  return { etag: formatETag(resource.versionId), 'last-modified': httpDate(resource.lastUpdated) };
}

/** The body of a read: the stored text, unless `_summary` or `_elements` ask for less. */
function readBody(request: FastifyRequest, resource: StoredResource): string {
  const query = request.query as Record<string, unknown>;
  const summary = query._summary;
  const elements = query._elements;
  if (summary === undefined && elements === undefined) return resource.json;
  if (summary !== undefined && elements !== undefined) {
    throw Problem.invalid('_summary and _elements cannot be used together');
  }
  const parsed = JSON.parse(resource.json) as FhirResource;
  if (summary !== undefined) {
    if (typeof summary !== 'string' || !summaryModes.has(summary)) {
      throw Problem.invalid('_summary must be one of true, text, data, false on a read');
    }
    return JSON.stringify(summarize(parsed, summary as SummaryMode));
  }
  const names = (Array.isArray(elements) ? elements : [elements])
    .flatMap((value) => String(value).split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw Problem.invalid('_elements needs at least one element name');
  return JSON.stringify(selectElements(parsed, names));
}

export function sendRead(
  request: FastifyRequest,
  reply: FastifyReply,
  resource: StoredResource,
): FastifyReply {
  return reply.code(200).headers(versionHeaders(resource)).type(fhirJson).send(readBody(request, resource));
}

function outcome(diagnostics: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics }],
  };
}

const diagnosticsByOutcome: Record<WriteResult['outcome'], string> = {
  created: 'The resource was created',
  updated: 'The resource was updated',
  matched: 'A resource matching If-None-Exist already exists; nothing was created',
  unchanged: 'The content equals the current version; no new version was created',
};

/** Answers a create/update/patch: 201 when a resource came into being, else 200; body per Prefer. */
export function sendWrite(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: RequestContext,
  result: WriteResult,
): FastifyReply {
  const { resource } = result;
  reply.code(result.outcome === 'created' ? 201 : 200).headers({
    ...versionHeaders(resource),
    location: `${ctx.baseUrl}/${resource.resourceType}/${resource.id}/_history/${resource.versionId}`,
  });
  const preference = parseReturnPreference(headerValue(request, 'prefer'));
  if (preference === 'minimal') return reply.send();
  reply.type(fhirJson);
  if (preference === 'OperationOutcome')
    return reply.send(JSON.stringify(outcome(diagnosticsByOutcome[result.outcome])));
  return reply.send(resource.json);
}

export function sendOutcome(reply: FastifyReply, body: OperationOutcome): FastifyReply {
  return reply.code(200).type(fhirJson).send(JSON.stringify(body));
}
