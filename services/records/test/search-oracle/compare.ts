// Runs each generated query against the server (every page, following `next`) and compares the
// matched ids with the oracle's: pass when every "must" is there and nothing beyond "must"+"may".
import type { SearchClient } from './client.ts';
import type { Expected } from './oracle.ts';
import { describeQuery, type OracleQuery, searchString } from './query.ts';

export type Outcome =
  | { kind: 'pass'; matched: number }
  | { kind: 'fail'; missing: string[]; unexpected: string[]; duplicates: string[]; foreign: string[] }
  /** The server refused the query with a 4xx OperationOutcome (a parameter or modifier it does not support). */
  | { kind: 'unsupported'; status: number; diagnostics: string }
  /** Anything else: 5xx, a non-Bundle, a broken next link. */
  | { kind: 'error'; status: number; detail: string };

interface Bundle {
  resourceType?: string;
  entry?: Array<{ resource?: { resourceType?: string; id?: string }; search?: { mode?: string } }>;
  link?: Array<{ relation: string; url: string }>;
  issue?: Array<{ diagnostics?: string }>;
}

const MAX_PAGES = 500;

export async function runQuery(
  client: SearchClient,
  query: OracleQuery,
  expected: Expected,
  pageSize: number | undefined,
): Promise<Outcome> {
  const count = pageSize === undefined ? '' : `&_count=${pageSize}`;
  let path: string | undefined = `/fhir/R4/${query.type}?${searchString(query)}${count}`;
  const seen: string[] = [];
  const included = new Set<string>();
  const foreign: string[] = [];
  for (let pages = 0; path; pages++) {
    if (pages >= MAX_PAGES) return { kind: 'error', status: 200, detail: `more than ${MAX_PAGES} pages` };
    const reply = await client.request('GET', path);
    let bundle: Bundle;
    try {
      bundle = JSON.parse(reply.body) as Bundle;
    } catch {
      return { kind: 'error', status: reply.status, detail: 'body is not JSON' };
    }
    if (reply.status >= 400 && reply.status < 500 && bundle.resourceType === 'OperationOutcome') {
      return { kind: 'unsupported', status: reply.status, diagnostics: bundle.issue?.[0]?.diagnostics ?? '' };
    }
    if (reply.status !== 200 || bundle.resourceType !== 'Bundle') {
      return { kind: 'error', status: reply.status, detail: `${bundle.resourceType ?? 'no resourceType'}` };
    }
    for (const entry of bundle.entry ?? []) {
      if (entry.search?.mode === 'include') {
        included.add(`${entry.resource?.resourceType}/${entry.resource?.id}`);
        continue;
      }
      if (entry.search?.mode !== undefined && entry.search.mode !== 'match') continue;
      const resource = entry.resource;
      if (resource?.resourceType !== query.type || !resource.id) {
        foreign.push(`${resource?.resourceType}/${resource?.id}`);
        continue;
      }
      seen.push(resource.id);
    }
    const next = bundle.link?.find((link) => link.relation === 'next')?.url;
    path = next
      ? new URL(next, 'http://localhost').pathname + new URL(next, 'http://localhost').search
      : undefined;
  }
  const actual = new Set(seen);
  const duplicates =
    seen.length === actual.size ? [] : seen.filter((id, index) => seen.indexOf(id) !== index);
  const missing = [...expected.must].filter((id) => !actual.has(id));
  const unexpected = [...actual].filter((id) => !expected.must.has(id) && !expected.may.has(id));
  if (expected.included) {
    const { must, may } = expected.included;
    missing.push(...[...must].filter((name) => !included.has(name)).map((name) => `included ${name}`));
    unexpected.push(
      ...[...included].filter((name) => !must.has(name) && !may.has(name)).map((name) => `included ${name}`),
    );
  }
  if (missing.length + unexpected.length + duplicates.length + foreign.length === 0) {
    return { kind: 'pass', matched: actual.size };
  }
  return { kind: 'fail', missing, unexpected, duplicates, foreign };
}

export { describeQuery };
