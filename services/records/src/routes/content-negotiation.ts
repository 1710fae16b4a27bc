// JSON only: request bodies must be FHIR JSON (or JSON Patch on PATCH) — anything else is 415 — and
// responses are FHIR JSON, so an Accept or _format that excludes JSON is 406. Checked before parsing.
import { Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const jsonPatchMediaType = 'application/json-patch+json';
const formMediaType = 'application/x-www-form-urlencoded';
const resourceMediaTypes = new Set(['application/fhir+json', 'application/json', 'application/json+fhir']);
const acceptableRanges = new Set(['*/*', 'application/*', ...resourceMediaTypes]);
const jsonFormats = new Set(['json', ...resourceMediaTypes]);

function mediaType(header: string): string {
  return header.split(';', 1)[0]!.trim().toLowerCase();
}

function acceptsJson(accept: string): boolean {
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const zero = params.some((param) => /^q=0(\.0{0,3})?$/.test(param.replaceAll(' ', '')));
    return !zero && acceptableRanges.has(type ?? '');
  });
}

function checkRequest(request: FastifyRequest): void {
  const format = (request.query as Record<string, unknown> | undefined)?._format;
  if (format !== undefined) {
    if (typeof format !== 'string' || !jsonFormats.has(mediaType(format))) {
      throw Problem.notAcceptable('Only JSON is supported (_format=json)');
    }
  } else if (request.headers.accept !== undefined && !acceptsJson(request.headers.accept)) {
    throw Problem.notAcceptable('Only JSON is supported: accept application/fhir+json');
  }
  const contentType = request.headers['content-type'];
  if (contentType === undefined) return;
  const type = mediaType(contentType);
  if (resourceMediaTypes.has(type) || (request.method === 'PATCH' && type === jsonPatchMediaType)) return;
  // POST …/_search carries its parameters as a form (FHIR search 3.1.1.1.3).
  if (
    request.method === 'POST' &&
    type === formMediaType &&
    request.url.split('?', 1)[0]!.endsWith('/_search')
  )
    return;
  throw Problem.unsupportedMediaType(
    request.method === 'PATCH'
      ? 'PATCH bodies must be JSON Patch (application/json-patch+json) or FHIRPath Patch (application/fhir+json)'
      : 'Request bodies must be application/fhir+json or application/json',
  );
}

/** Adds the checks and the JSON Patch body parser to the records scope. */
export function negotiateJson(app: FastifyInstance): void {
  app.addContentTypeParser(
    jsonPatchMediaType,
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.addHook('onRequest', async (request) => checkRequest(request));
}
