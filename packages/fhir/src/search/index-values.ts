// The typed values one search parameter indexes from one FHIRPath result node: a token's system,
// code and text, a string, a date range, a number, a quantity, a reference, a uri. The node's FHIR
// type (from the FHIRPath model) decides how it is read.
import { type DateRange, dateRange, periodRange } from './date-range.ts';
import type { SearchParamType } from './registry.ts';

export type IndexValue =
  | { kind: 'token'; system: string | null; code: string | null; text: string | null }
  | { kind: 'string'; value: string }
  | ({ kind: 'date' } & DateRange)
  | { kind: 'number'; value: string }
  | {
      kind: 'quantity';
      value: string | null;
      system: string | null;
      code: string | null;
      unit: string | null;
    }
  | {
      kind: 'reference';
      /** A relative `Type/id` reference split in two. */
      targetType: string | null;
      targetId: string | null;
      /** An absolute URL, canonical or other reference text that is not `Type/id`. */
      url: string | null;
      identifierSystem: string | null;
      identifierValue: string | null;
    }
  | { kind: 'uri'; value: string };

/** A result node: its data and the FHIR type the model gives it (e.g. 'CodeableConcept', 'dateTime'). */
export interface TypedNode {
  data: unknown;
  type: string;
}

type Json = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];

/** A number as an exact decimal text (the model hands decimals over as wrapper objects). */
function decimalText(value: unknown): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
  if (typeof value === 'object' && value !== null) {
    const text = String(value);
    return /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? text : null;
  }
  if (typeof value === 'string' && /^[+-]?\d+(\.\d+)?$/.test(value)) return value;
  return null;
}

function codingTokens(coding: Json, out: IndexValue[]): void {
  const system = str(coding.system);
  const code = str(coding.code);
  const text = str(coding.display);
  if (system !== null || code !== null || text !== null) out.push({ kind: 'token', system, code, text });
}

function tokenValues(node: TypedNode, out: IndexValue[]): void {
  const { data, type } = node;
  if (!isObject(data)) {
    if (typeof data === 'boolean') out.push({ kind: 'token', system: null, code: String(data), text: null });
    else if (typeof data === 'string' && data !== '')
      out.push({ kind: 'token', system: null, code: data, text: null });
    return;
  }
  switch (type) {
    case 'CodeableConcept': {
      for (const coding of list(data.coding)) if (isObject(coding)) codingTokens(coding, out);
      // The concept's text is its own row (no code), so :text finds it beside the codings' displays.
      const text = str(data.text);
      if (text !== null) out.push({ kind: 'token', system: null, code: null, text });
      return;
    }
    case 'Coding':
      codingTokens(data, out);
      return;
    case 'Identifier': {
      const system = str(data.system);
      const code = str(data.value);
      const typeText = isObject(data.type) ? str(data.type.text) : null;
      if (system !== null || code !== null) out.push({ kind: 'token', system, code, text: typeText });
      return;
    }
    case 'ContactPoint': {
      const code = str(data.value);
      if (code !== null) out.push({ kind: 'token', system: str(data.system), code, text: null });
      return;
    }
    default:
      if (str(data.code) !== null || str(data.system) !== null) codingTokens(data, out);
  }
}

const nameParts = ['text', 'family', 'given', 'prefix', 'suffix'];
const addressParts = ['text', 'line', 'city', 'district', 'state', 'postalCode', 'country'];

function stringValues(node: TypedNode, out: IndexValue[]): void {
  const { data, type } = node;
  if (typeof data === 'string') {
    if (data !== '') out.push({ kind: 'string', value: data });
    return;
  }
  if (!isObject(data)) return;
  const keys = type === 'HumanName' ? nameParts : type === 'Address' ? addressParts : Object.keys(data);
  for (const key of keys) {
    for (const item of list(data[key]))
      if (typeof item === 'string' && item !== '') out.push({ kind: 'string', value: item });
  }
}

function timingRange(data: Json): DateRange | undefined {
  const events = list(data.event)
    .map((event) => (typeof event === 'string' ? dateRange(event) : undefined))
    .filter((range): range is DateRange => range !== undefined);
  const repeat = isObject(data.repeat) ? data.repeat : undefined;
  const bounds =
    repeat && isObject(repeat.boundsPeriod)
      ? periodRange(repeat.boundsPeriod.start, repeat.boundsPeriod.end)
      : undefined;
  if (bounds) events.push(bounds);
  if (events.length === 0) return undefined;
  return { low: Math.min(...events.map((e) => e.low)), high: Math.max(...events.map((e) => e.high)) };
}

function dateValues(node: TypedNode, out: IndexValue[]): void {
  const { data, type } = node;
  let range: DateRange | undefined;
  if (typeof data === 'string') range = dateRange(data);
  else if (isObject(data)) {
    if (type === 'Period') range = periodRange(data.start, data.end);
    else if (type === 'Timing') range = timingRange(data);
  }
  if (range) out.push({ kind: 'date', ...range });
}

function quantityValues(node: TypedNode, out: IndexValue[]): void {
  const { data, type } = node;
  if (!isObject(data)) return;
  if (type === 'Range') {
    for (const end of [data.low, data.high])
      if (isObject(end)) quantityValues({ data: end, type: 'Quantity' }, out);
    return;
  }
  const value = decimalText(data.value);
  const system = str(data.system);
  const code = str(data.code);
  const unit = str(data.unit);
  if (value !== null || code !== null) out.push({ kind: 'quantity', value, system, code, unit });
}

const relativeReference = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

/**
 * A reference (or a canonical/uri used as one): relative `Type/id` splits in two, anything else —
 * absolute URL, canonical, `#contained` — is kept as url. A reference with neither (display only)
 * still gets a row, so `:missing` sees the element is there.
 */
function referenceValues(node: TypedNode, out: IndexValue[], targetType: string | undefined): void {
  const { data } = node;
  const object = isObject(data) ? data : undefined;
  const reference = typeof data === 'string' ? str(data) : object ? str(object.reference) : null;
  if (object === undefined && reference === null) return;
  const identifier = object && isObject(object.identifier) ? object.identifier : undefined;
  let typePart: string | null = null;
  let idPart: string | null = null;
  let url: string | null = null;
  if (reference !== null) {
    const match = relativeReference.exec(reference);
    if (match) [, typePart, idPart] = match as unknown as [string, string, string];
    else url = reference;
  }
  if (targetType !== undefined) {
    const urlType = url === null ? null : (/\/([A-Z][A-Za-z]+)\/[^/]+$/.exec(url)?.[1] ?? null);
    const known = typePart ?? urlType ?? (object ? str(object.type) : null);
    if (known !== targetType) return;
  }
  out.push({
    kind: 'reference',
    targetType: typePart,
    targetId: idPart,
    url,
    identifierSystem: identifier ? str(identifier.system) : null,
    identifierValue: identifier ? str(identifier.value) : null,
  });
}

/** Appends the index values of one node for a parameter of `type`. */
export function indexValues(
  type: SearchParamType,
  node: TypedNode,
  out: IndexValue[],
  targetType?: string,
): void {
  switch (type) {
    case 'token':
      tokenValues(node, out);
      return;
    case 'string':
      stringValues(node, out);
      return;
    case 'date':
      dateValues(node, out);
      return;
    case 'number': {
      const value = decimalText(node.data);
      if (value !== null) out.push({ kind: 'number', value });
      return;
    }
    case 'quantity':
      quantityValues(node, out);
      return;
    case 'reference':
      referenceValues(node, out, targetType);
      return;
    case 'uri':
      if (typeof node.data === 'string' && node.data !== '') out.push({ kind: 'uri', value: node.data });
      return;
    default:
      return;
  }
}
