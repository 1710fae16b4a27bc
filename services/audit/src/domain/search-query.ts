// Parses an AuditEvent search (the standard R4 parameters, `_id`, `_count`, `_cursor`) into criteria
// the store turns into SQL. Values in one parameter separated by commas are ORed; repeated
// parameters are ANDed. Anything not understood is refused with a clear 400, never ignored.
import { Problem } from '@healthlane/kit';
import { normalizeString, relativeReference } from './search-tokens.ts';

export type ParamKind = 'token' | 'reference' | 'string' | 'uri';

export const searchParams: Record<string, ParamKind> = {
  action: 'token',
  address: 'string',
  agent: 'reference',
  'agent-name': 'string',
  'agent-role': 'token',
  altid: 'token',
  entity: 'reference',
  'entity-name': 'string',
  'entity-role': 'token',
  'entity-type': 'token',
  outcome: 'token',
  patient: 'reference',
  policy: 'uri',
  site: 'token',
  source: 'reference',
  subtype: 'token',
  type: 'token',
};

/** One AND term: the event must have a row (param, value) for one of `values` (exactly or, for strings, as prefix). */
export interface TokenCriterion {
  param: string;
  values: string[];
  prefix: boolean;
}

/** Half-open instant range [from, to); either side may be open. `negate` for `ne`. */
export interface DateCriterion {
  from?: Date;
  to?: Date;
  negate?: boolean;
}

export interface AuditSearch {
  tokens: TokenCriterion[];
  /** AND of ORs: each inner list is one `date` parameter's comma-separated values. */
  dates: DateCriterion[][];
  ids: string[][];
  count: number;
  /** Keyset: only events before this log position (newest first). */
  before?: number;
}

const datePattern =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** The instant range a FHIR date/dateTime value covers at its precision. */
export function dateRange(text: string): { from: Date; to: Date } {
  const match = datePattern.exec(text);
  if (match === null)
    throw Problem.invalid('date must be a FHIR date or dateTime such as 2026-12-01T10:00:00Z');
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (hour !== undefined && zone === undefined) {
    throw Problem.invalid('A date search with a time must give its time zone (Z or ±hh:mm)');
  }
  const iso = `${year}-${month ?? '01'}-${day ?? '01'}T${hour ?? '00'}:${minute ?? '00'}:${second ?? '00'}${fraction ?? ''}${zone ?? 'Z'}`;
  const from = new Date(iso);
  if (Number.isNaN(from.getTime())) throw Problem.invalid('date is not a real date');
  const to = new Date(from);
  if (month === undefined) to.setUTCFullYear(to.getUTCFullYear() + 1);
  else if (day === undefined) to.setUTCMonth(to.getUTCMonth() + 1);
  else if (hour === undefined) to.setUTCDate(to.getUTCDate() + 1);
  else if (second === undefined) to.setTime(to.getTime() + 60_000);
  else if (fraction === undefined) to.setTime(to.getTime() + 1000);
  else to.setTime(to.getTime() + 1);
  return { from, to };
}

function dateCriterion(raw: string): DateCriterion {
  const prefixMatch = /^(eq|ne|lt|gt|le|ge|sa|eb|ap)?(.*)$/.exec(raw)!;
  const { from, to } = dateRange(prefixMatch[2] ?? '');
  switch (prefixMatch[1] ?? 'eq') {
    case 'ne':
      return { from, to, negate: true };
    case 'lt':
    case 'eb':
      return { to: from };
    case 'le':
      return { to };
    case 'gt':
    case 'sa':
      return { from: to };
    case 'ge':
      return { from };
    default:
      return { from, to };
  }
}

function tokenValue(raw: string): string {
  const bar = raw.indexOf('|');
  if (bar < 0) return `=${raw}`;
  return raw; // 'system|code', '|code', 'system|' are stored as written
}

function referenceValue(param: string, raw: string, typeModifier: string | undefined): string {
  if (typeModifier !== undefined) return `${typeModifier}/${raw}`;
  if (!raw.includes('/')) return param === 'patient' ? `Patient/${raw}` : `/${raw}`;
  const relative = relativeReference(raw);
  if (relative === undefined) throw Problem.invalid(`${param} must be a reference such as Patient/123`);
  return relative;
}

function splitValues(raw: string): string[] {
  // A backslash escapes a comma inside a value.
  return raw
    .split(/(?<!\\),/)
    .map((value) => value.replaceAll('\\,', ','))
    .filter((value) => value !== '');
}

export function parseAuditSearch(
  query: URLSearchParams,
  limits: { defaultCount: number; maxCount: number },
): AuditSearch {
  const search: AuditSearch = { tokens: [], dates: [], ids: [], count: limits.defaultCount };
  for (const [key, raw] of query) {
    const [name = '', modifier] = key.split(':', 2);
    const values = splitValues(raw);
    if (values.length === 0) throw Problem.invalid(`${name} needs a value`);
    if (name === '_count' || name === '_cursor') {
      if (modifier !== undefined || !/^\d{1,15}$/.test(raw))
        throw Problem.invalid(`${name} must be a whole number`);
      if (name === '_count') search.count = Math.min(Math.max(Number(raw), 1), limits.maxCount);
      else search.before = Number(raw);
      continue;
    }
    if (name === '_format') continue; // content negotiation is JSON only; accepted for clients that send it
    if (name === '_id' && modifier === undefined) {
      search.ids.push(values);
      continue;
    }
    if (name === 'date' && modifier === undefined) {
      search.dates.push(values.map(dateCriterion));
      continue;
    }
    const kind = searchParams[name];
    if (kind === undefined)
      throw Problem.invalid(`Unknown or unsupported AuditEvent search parameter: ${name}`);
    if (kind === 'string') {
      if (modifier !== undefined && modifier !== 'exact') {
        throw Problem.invalid(`Modifier :${modifier} is not supported on ${name}`);
      }
      const exact = modifier === 'exact';
      search.tokens.push({
        param: name,
        values: values.map(normalizeString),
        prefix: !exact,
      });
    } else if (kind === 'reference') {
      if (modifier !== undefined && !/^[A-Z][A-Za-z]+$/.test(modifier)) {
        throw Problem.invalid(`Modifier :${modifier} is not supported on ${name}`);
      }
      search.tokens.push({
        param: name,
        values: values.map((value) => referenceValue(name, value, modifier)),
        prefix: false,
      });
    } else {
      if (modifier !== undefined) throw Problem.invalid(`Modifier :${modifier} is not supported on ${name}`);
      search.tokens.push({
        param: name,
        values: kind === 'token' ? values.map(tokenValue) : values,
        prefix: false,
      });
    }
  }
  return search;
}
