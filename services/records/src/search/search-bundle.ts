// The searchset Bundle: total (when known), self/next/prev links, match and include entries (the
// stored JSON spliced in as-is unless _summary/_elements ask for less), and warnings as an
// OperationOutcome entry with search.mode = outcome.
import { type FhirResource, selectElements, summarize } from '@healthlane/fhir';
import type { FoundResource } from './includes.ts';
import type { SummaryMode } from './model.ts';

export interface SearchBundleParts {
  baseUrl: string;
  total: number | undefined;
  links: { relation: string; url: string }[];
  matches: readonly FoundResource[];
  included: readonly FoundResource[];
  summary: SummaryMode | undefined;
  elements: readonly string[] | undefined;
  warnings: readonly string[];
}

function view(
  json: string,
  summary: SummaryMode | undefined,
  elements: readonly string[] | undefined,
): string {
  if (elements !== undefined)
    return JSON.stringify(selectElements(JSON.parse(json) as FhirResource, [...elements]));
  if (summary === undefined || summary === 'false' || summary === 'count') return json;
  return JSON.stringify(summarize(JSON.parse(json) as FhirResource, summary));
}

function entry(baseUrl: string, row: FoundResource, mode: string, parts: SearchBundleParts): string {
  const fullUrl = JSON.stringify(`${baseUrl}/${row.resource_type}/${row.id}`);
  const resource =
    mode === 'match'
      ? view(row.json, parts.summary, parts.elements)
      : view(row.json, parts.summary, undefined);
  return `{"fullUrl":${fullUrl},"resource":${resource},"search":{"mode":"${mode}"}}`;
}

export function searchBundleJson(parts: SearchBundleParts): string {
  const entries = [
    ...parts.matches.map((row) => entry(parts.baseUrl, row, 'match', parts)),
    ...parts.included.map((row) => entry(parts.baseUrl, row, 'include', parts)),
  ];
  if (parts.warnings.length > 0) {
    const outcome = {
      resourceType: 'OperationOutcome',
      issue: parts.warnings.map((diagnostics) => ({
        severity: 'warning',
        code: 'informational',
        diagnostics,
      })),
    };
    entries.push(JSON.stringify({ resource: outcome, search: { mode: 'outcome' } }));
  }
  const head: Record<string, unknown> = { resourceType: 'Bundle', type: 'searchset' };
  if (parts.total !== undefined) head.total = parts.total;
  head.link = parts.links;
  const text = JSON.stringify(head);
  return `${text.slice(0, -1)},"entry":[${entries.join(',')}]}`;
}
