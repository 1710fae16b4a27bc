// Turns a resource's extracted search values into the column arrays of the index tables (one
// multi-row insert per table), normalizing strings and turning date ranges into timestamps.
import { type ExtractedParam, extractSearchValues, type IndexValue, normalizeString } from '@healthlane/fhir';
import { textDocuments } from './text-content.ts';

/** Longest normalized string kept in the index (prefix searches compare at most this much). */
export const maxIndexedString = 200;

export interface IndexRows {
  token: { param: string[]; system: (string | null)[]; value: (string | null)[]; text: (string | null)[] };
  string: { param: string[]; norm: string[]; value: string[] };
  date: { param: string[]; low: string[]; high: string[] };
  number: { param: string[]; value: string[] };
  quantity: {
    param: string[];
    value: (string | null)[];
    system: (string | null)[];
    code: (string | null)[];
    unit: (string | null)[];
  };
  reference: {
    param: string[];
    targetType: (string | null)[];
    targetId: (string | null)[];
    url: (string | null)[];
    identifierSystem: (string | null)[];
    identifierValue: (string | null)[];
  };
  uri: { param: string[]; value: string[] };
  composite: { param: string[]; system: (string | null)[]; value: (string | null)[]; rest: string[] };
  /** `_content` and `_text` documents (normalized text, turned into a tsvector by the insert). */
  text: { param: string[]; content: string[] };
}

export type IndexTable = keyof IndexRows;
export const indexTables: readonly IndexTable[] = [
  'token',
  'string',
  'date',
  'number',
  'quantity',
  'reference',
  'uri',
  'composite',
  'text',
];

export function emptyIndexRows(): IndexRows {
  return {
    token: { param: [], system: [], value: [], text: [] },
    string: { param: [], norm: [], value: [] },
    date: { param: [], low: [], high: [] },
    number: { param: [], value: [] },
    quantity: { param: [], value: [], system: [], code: [], unit: [] },
    reference: {
      param: [],
      targetType: [],
      targetId: [],
      url: [],
      identifierSystem: [],
      identifierValue: [],
    },
    uri: { param: [], value: [] },
    composite: { param: [], system: [], value: [], rest: [] },
    text: { param: [], content: [] },
  };
}

export function indexedString(text: string): string {
  return normalizeString(text).slice(0, maxIndexedString);
}

/** A date bound as PostgreSQL timestamptz text ('-infinity'/'infinity' for open ends). */
export function timestampText(ms: number): string {
  if (ms === Number.NEGATIVE_INFINITY) return '-infinity';
  if (ms === Number.POSITIVE_INFINITY) return 'infinity';
  return new Date(ms).toISOString();
}

/** One component of a composite row, as JSON the search compares against (see search/composite.ts). */
function componentJson(value: IndexValue): unknown {
  switch (value.kind) {
    case 'token':
      return { s: value.system, c: value.code };
    case 'quantity':
      return {
        v: value.value === null ? null : Number(value.value),
        s: value.system,
        c: value.code,
        u: value.unit,
      };
    case 'number':
      return { v: Number(value.value) };
    case 'date':
      return {
        lo: Number.isFinite(value.low) ? value.low : -8.64e15,
        hi: Number.isFinite(value.high) ? value.high : 8.64e15,
      };
    case 'string':
      return { n: indexedString(value.value) };
    case 'uri':
      return { n: value.value };
    case 'reference':
      return { r: value.targetType === null ? value.url : `${value.targetType}/${value.targetId}` };
  }
}

function addValue(rows: IndexRows, param: string, value: IndexValue): void {
  switch (value.kind) {
    case 'token':
      rows.token.param.push(param);
      rows.token.system.push(value.system);
      rows.token.value.push(value.code);
      rows.token.text.push(value.text === null ? null : indexedString(value.text));
      return;
    case 'string':
      rows.string.param.push(param);
      rows.string.norm.push(indexedString(value.value));
      rows.string.value.push(value.value);
      return;
    case 'date':
      rows.date.param.push(param);
      rows.date.low.push(timestampText(value.low));
      rows.date.high.push(timestampText(value.high));
      return;
    case 'number':
      rows.number.param.push(param);
      rows.number.value.push(value.value);
      return;
    case 'quantity':
      rows.quantity.param.push(param);
      rows.quantity.value.push(value.value);
      rows.quantity.system.push(value.system);
      rows.quantity.code.push(value.code);
      rows.quantity.unit.push(value.unit);
      return;
    case 'reference':
      rows.reference.param.push(param);
      rows.reference.targetType.push(value.targetType);
      rows.reference.targetId.push(value.targetId);
      rows.reference.url.push(value.url);
      rows.reference.identifierSystem.push(value.identifierSystem);
      rows.reference.identifierValue.push(value.identifierValue);
      return;
    case 'uri':
      rows.uri.param.push(param);
      rows.uri.value.push(value.value);
      return;
  }
}

function addComposite(rows: IndexRows, param: string, values: IndexValue[]): void {
  const [first, ...rest] = values;
  if (first === undefined) return;
  rows.composite.param.push(param);
  if (first.kind === 'token') {
    rows.composite.system.push(first.system);
    rows.composite.value.push(first.code);
  } else {
    rows.composite.system.push(null);
    rows.composite.value.push((componentJson(first) as { r?: string | null }).r ?? null);
  }
  rows.composite.rest.push(JSON.stringify(rest.map(componentJson)));
}

/** Identifier tokens also index `type-system|type-code|value` under `<param>:of-type` rows. */
function addOfType(rows: IndexRows, param: string, resource: Record<string, unknown>): void {
  const identifiers = resource.identifier;
  for (const identifier of Array.isArray(identifiers) ? identifiers : identifiers ? [identifiers] : []) {
    const { type, value } = (identifier ?? {}) as { type?: { coding?: unknown[] }; value?: unknown };
    if (typeof value !== 'string') continue;
    for (const coding of type?.coding ?? []) {
      const { system, code } = (coding ?? {}) as { system?: unknown; code?: unknown };
      if (typeof code !== 'string') continue;
      addValue(rows, `${param}:of-type`, {
        kind: 'token',
        system: typeof system === 'string' ? system : null,
        code: `${code}|${value}`,
        text: null,
      });
    }
  }
}

/** The index rows of a resource (every applicable search parameter). */
export function indexRowsOf(resource: { resourceType: string } & Record<string, unknown>): IndexRows {
  return rowsFrom(resource, extractSearchValues(resource));
}

export function rowsFrom(resource: Record<string, unknown>, extracted: readonly ExtractedParam[]): IndexRows {
  const rows = emptyIndexRows();
  for (const { param, values, composites } of extracted) {
    for (const value of values) addValue(rows, param.code, value);
    for (const composite of composites) addComposite(rows, param.code, composite);
    if (param.code === 'identifier' && param.type === 'token') addOfType(rows, param.code, resource);
  }
  for (const [param, content] of textDocuments(resource)) {
    rows.text.param.push(param);
    rows.text.content.push(content);
  }
  return rows;
}
