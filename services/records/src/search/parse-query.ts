// Parses a search query string (GET query or POST _search form body) into a SearchRequest: the
// criteria per searched type and the result parameters, refusing what is unknown (400) unless the
// client asked for `Prefer: handling=lenient`.
import { isResourceType, type SearchParamDefinition, searchParameters } from '@healthlane/fhir';
import { parseFilter } from './filter-parse.ts';
import type { Criterion, IncludeSpec, SearchRequest, SortKey, SummaryMode, TotalMode } from './model.ts';
import { lookupParam, parseName, splitValues, UnknownParameter } from './parse-criteria.ts';
import { invalidSearch, nameForMessage, unsupported } from './search-error.ts';

export interface ParseOptions {
  /** The types searched: one for a type search, every type for a system search (narrowed by `_type`). */
  types: readonly string[];
  system: boolean;
  lenient: boolean;
  defaultCount: number;
  maxCount: number;
}

export interface ParsedSearch extends Omit<SearchRequest, 'criteria'> {
  /** The criteria of each searched type (ANDed). */
  criteria: Map<string, Criterion[]>;
}

const ignored = new Set(['_format', '_pretty']);
const refused = new Set(['_query', '_contained', '_containedType']);
/** Criteria that cannot be a sort key. */
const unsortable = new Set(['_content', '_text', '_list']);
const summaries = new Set(['true', 'text', 'data', 'count', 'false']);
const totals = new Set(['none', 'estimate', 'accurate']);

/** Decodes `a=b&c=d` (form encoding: '+' is a space) into ordered pairs; escapes (`\,`) are kept. */
export function queryPairs(raw: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of raw.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text.replace(/\+/g, ' '));
      } catch {
        throw invalidSearch('The query string is not valid percent-encoding');
      }
    };
    pairs.push(eq < 0 ? [decode(part), ''] : [decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

function single(name: string, values: string[]): string {
  if (values.length !== 1) throw invalidSearch(`${name} may be given once`);
  return values[0]!;
}

function referenceParams(type: string): SearchParamDefinition[] {
  return [...searchParameters(type).values()].filter(
    (def) => def.type === 'reference' && def.paths.length > 0,
  );
}

function parseInclude(
  value: string,
  iterate: boolean,
  types: readonly string[],
  reverse: boolean,
): IncludeSpec {
  if (value === '*') {
    if (reverse) throw unsupported('_revinclude=* is not supported; name the source type and parameter');
    return { sourceType: '*', params: [], targetType: undefined, iterate };
  }
  const [sourceType, code, targetType, extra] = value.split(':');
  if (sourceType === undefined || code === undefined || extra !== undefined || !isResourceType(sourceType)) {
    throw invalidSearch(`${reverse ? '_revinclude' : '_include'} needs the form Type:parameter[:targetType]`);
  }
  if (!reverse && !iterate && !types.includes(sourceType)) {
    throw invalidSearch('_include names a type that is not searched (use _include:iterate)');
  }
  if (targetType !== undefined && !isResourceType(targetType))
    throw invalidSearch('An include target is not a resource type');
  const params =
    code === '*'
      ? referenceParams(sourceType)
      : [lookupParam(sourceType, code)].filter(
          (def): def is SearchParamDefinition => typeof def !== 'string',
        );
  if (params.some((def) => def.type !== 'reference') || params.length === 0) {
    throw new UnknownParameter(`${nameForMessage(code)} is not a reference parameter of ${sourceType}`);
  }
  return { sourceType, params, targetType, iterate };
}

function parseSort(value: string, types: readonly string[]): SortKey[] {
  return value.split(',').map((item) => {
    const descending = item.startsWith('-');
    const code = descending ? item.slice(1) : item;
    if (code === '') throw invalidSearch('_sort has an empty key');
    const defs = types.map((type) => lookupParam(type, code));
    const first = defs[0]!;
    if (typeof first === 'string' && unsortable.has(first))
      throw unsupported(`Sorting by ${first} is not supported`);
    if (typeof first !== 'string' && (first.type === 'composite' || first.type === 'special')) {
      throw unsupported(`Sorting by ${first.code} is not supported`);
    }
    return { param: first, descending };
  });
}

export function parseSearch(raw: string, options: ParseOptions): ParsedSearch {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of queryPairs(raw)) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  const warnings: string[] = [];
  const tolerate = (error: unknown) => {
    if (!(error instanceof UnknownParameter)) throw error;
    if (!options.lenient) throw unsupported(error.message);
    warnings.push(error.message);
  };
  let types = [...options.types];
  const typeList = grouped.get('_type');
  if (typeList !== undefined) {
    if (!options.system) throw invalidSearch('_type is only for a search across all types');
    types = single('_type', typeList).split(',');
    if (types.some((type) => !isResourceType(type)))
      throw invalidSearch('_type names an unknown resource type');
  }
  const request: ParsedSearch = {
    types,
    criteria: new Map(types.map((type) => [type, []])),
    count: options.defaultCount,
    sort: [],
    include: [],
    revinclude: [],
    summary: undefined,
    elements: undefined,
    total: undefined,
    cursor: undefined,
    warnings,
    linkQuery: '',
  };
  const linkPairs: string[] = [];
  for (const [name, values] of grouped) {
    if (name !== '_cursor') {
      for (const value of values) linkPairs.push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
    }
    if (ignored.has(name) || name === '_type') continue;
    try {
      parseResultOrCriterion(request, name, values, options);
    } catch (error) {
      tolerate(error);
    }
  }
  request.linkQuery = linkPairs.join('&');
  return request;
}

function parseResultOrCriterion(
  request: ParsedSearch,
  name: string,
  values: string[],
  options: ParseOptions,
): void {
  const [base, modifier] = name.split(':');
  switch (base) {
    case '_count': {
      const text = single(name, values);
      if (!/^\d{1,9}$/.test(text)) throw invalidSearch('_count must be a whole number');
      request.count = Math.min(Number(text), options.maxCount);
      return;
    }
    case '_sort':
      request.sort = parseSort(single(name, values), request.types);
      return;
    case '_include':
    case '_revinclude': {
      if (modifier !== undefined && modifier !== 'iterate')
        throw new UnknownParameter(`${nameForMessage(name)} is not supported`);
      const reverse = base === '_revinclude';
      for (const value of values) {
        (reverse ? request.revinclude : request.include).push(
          parseInclude(value, modifier === 'iterate', request.types, reverse),
        );
      }
      return;
    }
    case '_summary': {
      const mode = single(name, values);
      if (!summaries.has(mode)) throw invalidSearch('_summary must be true, text, data, count or false');
      request.summary = mode as SummaryMode;
      return;
    }
    case '_elements':
      request.elements = values
        .flatMap((value) => value.split(','))
        .map((item) => item.trim())
        .filter((item) => item !== '');
      if (request.elements.length === 0) throw invalidSearch('_elements needs at least one element name');
      return;
    case '_total': {
      const mode = single(name, values);
      if (!totals.has(mode)) throw invalidSearch('_total must be none, estimate or accurate');
      request.total = mode as TotalMode;
      return;
    }
    case '_cursor':
      request.cursor = single(name, values);
      return;
    default:
      if (refused.has(base ?? ''))
        throw new UnknownParameter(`The search parameter ${base} is not supported`);
      if (base === '_filter') {
        if (modifier !== undefined) throw new UnknownParameter('_filter takes no modifier');
        for (const type of request.types) {
          for (const value of values) request.criteria.get(type)!.push(parseFilter(type, value));
        }
        return;
      }
      for (const type of request.types) {
        const list = request.criteria.get(type)!;
        for (const value of values) list.push(parseName(type, name, splitValues(value)));
      }
  }
}
