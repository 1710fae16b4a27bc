// Reads an incoming batch/transaction Bundle into typed entries, rejecting malformed input with a
// 400 that names the element (never its value). Per-entry faults are kept for batch, where each
// entry answers on its own; a transaction turns the first one into the whole request's failure.
import { Problem } from '@healthlane/kit';

export type EntryMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What an entry's `request.url` addresses, relative to the FHIR base. */
export interface EntryTarget {
  type: string;
  id?: string;
  versionId?: string;
  /** Search criteria (query string without '?') of a conditional update/delete or a search. */
  criteria?: string;
}

export interface BundleEntryRequest {
  index: number;
  method: EntryMethod;
  target: EntryTarget;
  fullUrl?: string;
  /** The entry's resource as sent (POST/PUT; PATCH's Binary or Parameters). */
  resource?: Record<string, unknown>;
  ifNoneExist?: string;
  ifMatch?: string;
}

export interface ParsedBundle {
  type: 'batch' | 'transaction';
  /** One per entry, in bundle order: the parsed request or the Problem that makes it unusable. */
  entries: Array<BundleEntryRequest | Problem>;
}

const methods = new Set<string>(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const resourceType = /^[A-Z][A-Za-z]{1,63}$/;
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string, expression: string): Problem {
  return Problem.invalid(message, {
    issues: [{ severity: 'error', code: 'invalid', diagnostics: message, expression: [expression] }],
  });
}

/** Strips the server's own base (absolute URLs) and a leading slash, then splits path and query. */
export function parseEntryUrl(url: string, baseUrl: string): EntryTarget | undefined {
  let relative = url;
  const base = baseUrl.replace(/\/+$/, '');
  if (relative.startsWith(`${base}/`)) relative = relative.slice(base.length + 1);
  else if (/^[a-z][a-z0-9+.-]*:/i.test(relative)) return undefined;
  relative = relative.replace(/^\/+/, '');
  const question = relative.indexOf('?');
  const path = question === -1 ? relative : relative.slice(0, question);
  const query = question === -1 ? undefined : relative.slice(question + 1);
  const segments = path.split('/');
  const [type, id, history, versionId, ...rest] = segments;
  if (type === undefined || !resourceType.test(type) || rest.length > 0) return undefined;
  if (id !== undefined && !fhirId.test(id)) return undefined;
  if (history !== undefined && (history !== '_history' || versionId === undefined || !fhirId.test(versionId)))
    return undefined;
  if (query !== undefined && id !== undefined) return undefined;
  return {
    type,
    ...(id === undefined ? {} : { id }),
    ...(versionId === undefined ? {} : { versionId }),
    ...(query === undefined ? {} : { criteria: query }),
  };
}

function optionalString(value: unknown): string | undefined | false {
  if (value === undefined) return undefined;
  return typeof value === 'string' && value.length > 0 ? value : false;
}

function parseEntry(entry: unknown, index: number, baseUrl: string): BundleEntryRequest | Problem {
  const at = `Bundle.entry[${index}]`;
  if (!isRecord(entry)) return invalid('A Bundle entry must be an object', at);
  const request = entry.request;
  if (!isRecord(request)) return invalid('A batch or transaction entry needs a request', `${at}.request`);
  const method = request.method;
  if (typeof method !== 'string' || !methods.has(method))
    return invalid('The entry request method is not supported', `${at}.request.method`);
  if (typeof request.url !== 'string' || request.url.length === 0)
    return invalid('The entry request needs a url', `${at}.request.url`);
  const target = parseEntryUrl(request.url, baseUrl);
  if (target === undefined)
    return invalid('The entry request url is not a valid FHIR url', `${at}.request.url`);
  const fullUrl = optionalString(entry.fullUrl);
  const ifNoneExist = optionalString(request.ifNoneExist);
  const ifMatch = optionalString(request.ifMatch);
  if (fullUrl === false) return invalid('The entry fullUrl must be a non-empty string', `${at}.fullUrl`);
  if (ifNoneExist === false)
    return invalid('ifNoneExist must be a non-empty string', `${at}.request.ifNoneExist`);
  if (ifMatch === false) return invalid('ifMatch must be a non-empty string', `${at}.request.ifMatch`);
  const resource = entry.resource;
  if (resource !== undefined && !isRecord(resource))
    return invalid('The entry resource must be an object', `${at}.resource`);

  const shapeProblem = checkShape(method as EntryMethod, target, resource, at);
  if (shapeProblem !== undefined) return shapeProblem;
  return {
    index,
    method: method as EntryMethod,
    target,
    ...(fullUrl === undefined ? {} : { fullUrl }),
    ...(resource === undefined ? {} : { resource }),
    ...(ifNoneExist === undefined ? {} : { ifNoneExist }),
    ...(ifMatch === undefined ? {} : { ifMatch: ifMatch.replace(/^W\//, '').replace(/^"(.*)"$/, '$1') }),
  };
}

/** The combinations of method, url and resource the FHIR RESTful API defines. */
function checkShape(
  method: EntryMethod,
  target: EntryTarget,
  resource: Record<string, unknown> | undefined,
  at: string,
): Problem | undefined {
  const needsResource = method === 'POST' || method === 'PUT' || method === 'PATCH';
  if (needsResource && resource === undefined) return invalid(`A ${method} entry needs a resource`, at);
  if ((method === 'POST' || method === 'PUT') && resource?.resourceType !== target.type)
    return invalid('The resource type does not match the request url', `${at}.resource.resourceType`);
  if (method === 'POST' && (target.id !== undefined || target.criteria !== undefined))
    return invalid('A POST entry url names only the resource type', `${at}.request.url`);
  if (target.versionId !== undefined && method !== 'GET' && method !== 'HEAD')
    return invalid('Only reads may name a version', `${at}.request.url`);
  if ((method === 'PUT' || method === 'PATCH' || method === 'DELETE') && target.id === undefined) {
    if (target.criteria === undefined || target.criteria.length === 0)
      return invalid(`A ${method} entry url needs an id or search criteria`, `${at}.request.url`);
  }
  if (method === 'PUT' && target.id !== undefined && resource?.id !== undefined && resource.id !== target.id)
    return invalid('The resource id does not match the request url', `${at}.resource.id`);
  return undefined;
}

/**
 * Parses the request body. Whole-bundle faults (not a Bundle, wrong type, too many entries)
 * throw; entry faults are returned in place.
 */
export function parseBundle(body: unknown, baseUrl: string, maxEntries: number): ParsedBundle {
  if (!isRecord(body) || body.resourceType !== 'Bundle')
    throw invalid('The request body must be a Bundle resource', 'Bundle');
  if (body.type !== 'batch' && body.type !== 'transaction')
    throw invalid('Only batch and transaction Bundles can be posted to the base', 'Bundle.type');
  const entry = body.entry ?? [];
  if (!Array.isArray(entry)) throw invalid('Bundle.entry must be an array', 'Bundle.entry');
  if (entry.length > maxEntries)
    throw Problem.payloadTooLarge(`A Bundle may hold at most ${maxEntries} entries`, {
      issues: [
        {
          severity: 'error',
          code: 'too-costly',
          diagnostics: `A Bundle may hold at most ${maxEntries} entries`,
          expression: ['Bundle.entry'],
        },
      ],
    });
  return {
    type: body.type,
    entries: entry.map((one, index) => parseEntry(one, index, baseUrl)),
  };
}
