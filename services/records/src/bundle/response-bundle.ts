// Builds batch-response and transaction-response Bundles. Stored resources are embedded as the
// JSON text the store returned, never parsed and re-serialized.
import { STATUS_CODES } from 'node:http';
import { type OperationOutcome, type Problem, toOperationOutcome } from '@healthlane/kit';
import type { RequestContext } from '../domain/resource-service.ts';
import type { EntryResult } from './entry-execution.ts';

/** What the client asked for with `Prefer: return=...` (FHIR R4 http.html#ops). */
export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

export function returnPreference(prefer: string | string[] | undefined): ReturnPreference {
  const header = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  const match = /(?:^|[,;\s])return=(minimal|representation|OperationOutcome)\b/.exec(header);
  return (match?.[1] as ReturnPreference | undefined) ?? 'representation';
}

export interface EntryResponse {
  status: number;
  location?: string;
  etag?: string;
  lastModified?: string;
  /** Absolute URL of the resource, for the entry's fullUrl. */
  fullUrl?: string;
  /** Stored JSON text of the resource, when it goes in the entry. */
  resourceJson?: string;
  outcome?: OperationOutcome;
}

function statusLine(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
}

function informational(diagnostics: string): OperationOutcome {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'information', code: 'informational', diagnostics }],
  };
}

const writeStatus = { created: 201, updated: 200, matched: 200, unchanged: 200 } as const;

export function successResponse(
  result: EntryResult,
  ctx: RequestContext,
  preference: ReturnPreference,
): EntryResponse {
  if (result.kind === 'delete') return { status: 204 };
  const resource = result.kind === 'read' ? result.resource : result.result.resource;
  const { resourceType, id, versionId, lastUpdated } = resource;
  const base = {
    etag: `W/"${versionId}"`,
    lastModified: lastUpdated,
    fullUrl: `${ctx.baseUrl}/${resourceType}/${id}`,
  };
  if (result.kind === 'read') {
    return { status: 200, ...base, ...(result.head ? {} : { resourceJson: resource.json }) };
  }
  const status = writeStatus[result.result.outcome];
  const response: EntryResponse = {
    status,
    location: `${resourceType}/${id}/_history/${versionId}`,
    ...base,
  };
  if (preference === 'representation') response.resourceJson = resource.json;
  if (preference === 'OperationOutcome')
    response.outcome = informational(`The ${resourceType} was ${result.result.outcome}`);
  return response;
}

export function failureResponse(problem: Problem): EntryResponse {
  return { status: problem.status, outcome: toOperationOutcome(problem) };
}

function entryJson(entry: EntryResponse): string {
  const response = {
    status: statusLine(entry.status),
    ...(entry.location === undefined ? {} : { location: entry.location }),
    ...(entry.etag === undefined ? {} : { etag: entry.etag }),
    ...(entry.lastModified === undefined ? {} : { lastModified: entry.lastModified }),
    ...(entry.outcome === undefined ? {} : { outcome: entry.outcome }),
  };
  const parts = [
    ...(entry.fullUrl === undefined ? [] : [`"fullUrl":${JSON.stringify(entry.fullUrl)}`]),
    ...(entry.resourceJson === undefined ? [] : [`"resource":${entry.resourceJson}`]),
    `"response":${JSON.stringify(response)}`,
  ];
  return `{${parts.join(',')}}`;
}

/** The response Bundle as JSON text, entries in request order. */
export function responseBundleJson(
  type: 'batch-response' | 'transaction-response',
  id: string,
  entries: readonly EntryResponse[],
): string {
  const head = JSON.stringify({ resourceType: 'Bundle', id, type });
  return `${head.slice(0, -1)},"entry":[${entries.map(entryJson).join(',')}]}`;
}
