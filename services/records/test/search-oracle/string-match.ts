// String search (R4 search §string): case- and accent-insensitive starts-with on each part of the
// value (HumanName and Address parts included), `:exact` whole-value equality, `:contains` anywhere.
import type { TypedValue } from './extract.ts';
import { anyOf, type Verdict } from './verdict.ts';

/** Lower case without combining marks (é → e): the comparison form for default and :contains. */
export function normalizeString(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(strings);
  return typeof value === 'string' ? [value] : [];
}

/** The searchable strings of one value: a HumanName's and an Address's parts, or the string itself. */
export function stringParts(value: TypedValue): string[] {
  const data = value.value as Record<string, unknown>;
  switch (value.type) {
    case 'HumanName':
      return [data.family, data.given, data.prefix, data.suffix, data.text].flatMap(strings);
    case 'Address':
      return [
        data.line,
        data.city,
        data.district,
        data.state,
        data.postalCode,
        data.country,
        data.text,
      ].flatMap(strings);
    default:
      return strings(value.value);
  }
}

export type StringModifier = '' | 'exact' | 'contains';

export function matchString(values: TypedValue[], query: string, modifier: StringModifier): Verdict {
  const wanted = normalizeString(query);
  return anyOf(
    values.flatMap(stringParts).map((part): Verdict => {
      if (modifier === 'exact') return part === query ? 'yes' : 'no';
      const have = normalizeString(part);
      if (modifier === 'contains') return have.includes(wanted) ? 'yes' : 'no';
      return have.startsWith(wanted) ? 'yes' : 'no';
    }),
  );
}
