// Runs a search end to end: parse, page query (keyset), total per _total, includes, and the
// searchset Bundle with self/next/prev links. Compartment searches and $everything add a
// condition on top of the type's own criteria.
import type { SqlExecutor } from '@healthlane/store';
import { type FoundResource, readIncludes } from './includes.ts';
import { type Cursor, decodeCursor, encodeCursor } from './keyset.ts';
import type { Criterion } from './model.ts';
import { matchCondition, type PageRow, readPage } from './page-query.ts';
import { type ParsedSearch, parseSearch } from './parse-query.ts';
import { searchBundleJson } from './search-bundle.ts';
import { newSqlContext, type SqlContext } from './sql-context.ts';
import { boundedTotal, estimateTotal } from './totals.ts';

export interface SearchLimits {
  defaultCount: number;
  maxCount: number;
  /** `_total=accurate` counts at most this many, then answers an estimate with a warning. */
  totalBound: number;
}

export interface SearchInput {
  /** The types searched: one for a type search; every candidate for a system search or $everything. */
  types: readonly string[];
  system: boolean;
  /** The raw query (or form body) without '?'. */
  query: string;
  lenient: boolean;
  baseUrl: string;
  /** The URL the links start from, e.g. http://host/fhir/R4/Observation. */
  selfPath: string;
  /** An extra condition on resource alias r (compartment membership), bound in the context given. */
  scope?: (ctx: SqlContext) => string;
  now: Date;
}

export interface SearchOutcome {
  bundle: string;
  /** The types of every resource returned (matches and includes), for authorization. */
  types: Set<string>;
}

function link(input: SearchInput, parsed: ParsedSearch, cursor?: Cursor): string {
  const query = [parsed.linkQuery, cursor === undefined ? '' : `_cursor=${encodeCursor(cursor)}`]
    .filter((part) => part !== '')
    .join('&');
  return query === '' ? input.selfPath : `${input.selfPath}?${query}`;
}

function cursorOf(row: PageRow, direction: Cursor['direction']): Cursor {
  return { direction, values: [...row.keys, row.resource_type, row.id] };
}

/** Parses the query alone (criteria for conditional operations). */
export function parseOnly(
  input: Pick<SearchInput, 'types' | 'system' | 'query' | 'lenient'>,
  limits: SearchLimits,
) {
  return parseSearch(input.query, { ...input, defaultCount: limits.defaultCount, maxCount: limits.maxCount });
}

export async function runSearch(
  db: SqlExecutor,
  input: SearchInput,
  limits: SearchLimits,
  parsed?: ParsedSearch,
): Promise<SearchOutcome> {
  const search = parsed ?? parseOnly(input, limits);
  const cursor =
    search.cursor === undefined ? undefined : decodeCursor(search.cursor, search.sort.length + 2);
  const warnings = [...search.warnings];
  const countOnly = search.summary === 'count';

  const pageCtx = newSqlContext(input.baseUrl, input.now);
  const scope = input.scope?.(pageCtx);
  let rows: PageRow[] = [];
  if (!countOnly) {
    rows = await readPage(db, pageCtx, {
      criteria: search.criteria as ReadonlyMap<string, readonly Criterion[]>,
      sort: search.sort,
      count: search.count,
      cursor,
      ...(scope === undefined ? {} : { extra: scope }),
    });
  }
  const more = rows.length > search.count;
  let page = rows.slice(0, search.count);
  if (cursor?.direction === 'prev') page = page.reverse();

  let total: number | undefined;
  const totalMode = search.total ?? (countOnly ? 'accurate' : undefined);
  if (totalMode === 'accurate' || totalMode === 'estimate') {
    const ctx = newSqlContext(input.baseUrl, input.now);
    const extra = input.scope?.(ctx);
    const where = [matchCondition(ctx, search.criteria), ...(extra === undefined ? [] : [extra])].join(
      ' AND ',
    );
    if (totalMode === 'estimate') total = await estimateTotal(db, where, ctx.params);
    else {
      const counted = await boundedTotal(db, where, ctx.params, limits.totalBound);
      total = counted.value;
      if (counted.estimated) {
        warnings.push(`More than ${limits.totalBound} resources match; the total is an estimate`);
      }
    }
  } else if (totalMode === undefined && cursor === undefined && !more && !countOnly) {
    total = page.length; // the whole result is on this first page: the count is free
  }

  let included: FoundResource[] = [];
  if (page.length > 0 && (search.include.length > 0 || search.revinclude.length > 0)) {
    const result = await readIncludes(db, page, search.include, search.revinclude);
    included = result.included;
    if (result.truncated) warnings.push('Only the first included resources are returned');
  }

  const links = [{ relation: 'self', url: link(input, search, cursor) }];
  const hasNext = cursor?.direction === 'prev' ? page.length > 0 : more;
  const hasPrev = cursor?.direction === 'prev' ? more : cursor !== undefined;
  if (hasNext && page.length > 0)
    links.push({ relation: 'next', url: link(input, search, cursorOf(page.at(-1)!, 'next')) });
  if (hasPrev && page.length > 0)
    links.push({ relation: 'previous', url: link(input, search, cursorOf(page[0]!, 'prev')) });

  const types = new Set([...page, ...included].map((row) => row.resource_type));
  const bundle = searchBundleJson({
    baseUrl: input.baseUrl,
    total,
    links,
    matches: page,
    included,
    summary: search.summary,
    elements: search.elements,
    warnings,
  });
  return { bundle, types };
}
