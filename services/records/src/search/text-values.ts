// Predicates over one index row (alias i) for token, string and uri search values and their
// modifiers; each pushes its values as parameters, never into the SQL text.
import { normalizeString } from '@healthlane/fhir';
import { maxIndexedString } from '../store/index-rows.ts';
import { likeEscape, splitEscaped, unescapeValue } from './escape.ts';
import { invalidSearch } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';
import { terminologyPredicate } from './token-terminology.ts';

/** Sorts after every string that starts with the prefix (C collation compares code points). */
const highest = '\u{10FFFF}';

function normalized(value: string): string {
  return normalizeString(value).slice(0, maxIndexedString);
}

/** `[prefix, prefix + U+10FFFF)`: a starts-with search as an index range. */
export function prefixRange(ctx: SqlContext, column: string, prefix: string): string {
  return `(${column} >= ${bind(ctx, prefix)} AND ${column} < ${bind(ctx, `${prefix}${highest}`)})`;
}

export function tokenPredicate(ctx: SqlContext, value: string, modifier: string | undefined): string {
  if (modifier === 'text') {
    const text = normalized(unescapeValue(value));
    if (text === '') throw invalidSearch('A :text search needs some text');
    const pattern = likeEscape(text);
    return `(i.text_norm LIKE ${bind(ctx, `${pattern}%`)} OR i.text_norm LIKE ${bind(ctx, `% ${pattern}%`)})`;
  }
  if (modifier === 'in' || modifier === 'above' || modifier === 'below') {
    return terminologyPredicate(ctx, value, modifier);
  }
  const parts = splitEscaped(value, '|', true);
  if (modifier === 'of-type') {
    if (parts.length !== 3 || parts.some((part) => part === '')) {
      throw invalidSearch('An :of-type search needs system|code|value');
    }
    const [system, code, identifier] = parts as [string, string, string];
    return `(i.system = ${bind(ctx, system)} AND i.value = ${bind(ctx, `${code}|${identifier}`)})`;
  }
  if (parts.length === 1) {
    if (parts[0] === '') throw invalidSearch('A token search value is empty');
    return `i.value = ${bind(ctx, parts[0])}`;
  }
  if (parts.length !== 2) throw invalidSearch('A token search value has more than one unescaped |');
  const [system, code] = parts as [string, string];
  if (system === '' && code === '') throw invalidSearch('A token search value is empty');
  if (system === '') return `(i.system IS NULL AND i.value = ${bind(ctx, code)})`;
  if (code === '') return `i.system = ${bind(ctx, system)}`;
  return `(i.system = ${bind(ctx, system)} AND i.value = ${bind(ctx, code)})`;
}

export function stringPredicate(ctx: SqlContext, value: string, modifier: string | undefined): string {
  const text = unescapeValue(value);
  const norm = normalized(text);
  if (norm === '') throw invalidSearch('A string search value is empty');
  if (modifier === 'exact') return `(i.value_norm = ${bind(ctx, norm)} AND i.value = ${bind(ctx, text)})`;
  if (modifier === 'contains') return `i.value_norm LIKE ${bind(ctx, `%${likeEscape(norm)}%`)}`;
  // _filter's `eq` (never a client modifier): equal, case- and accent-insensitive.
  if (modifier === 'filter-eq') return `i.value_norm = ${bind(ctx, norm)}`;
  return prefixRange(ctx, 'i.value_norm', norm);
}

export function uriPredicate(ctx: SqlContext, value: string, modifier: string | undefined): string {
  const uri = unescapeValue(value);
  if (uri === '') throw invalidSearch('A uri search value is empty');
  if (modifier === 'below') return prefixRange(ctx, 'i.value', uri);
  if (modifier === 'above') return `starts_with(${bind(ctx, uri, 'text')}, i.value)`;
  return `i.value = ${bind(ctx, uri)}`;
}
