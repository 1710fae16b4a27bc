// `_content` / `_text` (PostgreSQL full-text search over the text index: websearch syntax — words
// ANDed, "quoted phrases", `or`, `-word`; stemmed, case- and accent-insensitive) and `_list` (the
// resources a List's entries point at, through the List's `item` reference index rows).
import { normalizeString } from '@healthlane/fhir';
import { unescapeValue } from './escape.ts';
import { invalidSearch } from './search-error.ts';
import { alias, bind, type SqlContext } from './sql-context.ts';

/** Longest accepted text query (a search, not a document). */
const maxQuery = 1000;

export function textSearchSql(
  ctx: SqlContext,
  resource: string,
  type: string,
  param: '_content' | '_text',
  values: string[],
): string {
  const t = alias(ctx, 'txt');
  const queries = values.map((value) => {
    const text = normalizeString(unescapeValue(value)).trim();
    if (text === '') throw invalidSearch(`A ${param} search needs some text`);
    if (text.length > maxQuery)
      throw invalidSearch(`A ${param} search is longer than ${maxQuery} characters`);
    return `${t}.doc @@ websearch_to_tsquery('english', ${bind(ctx, text)})`;
  });
  return `${resource}.id IN (SELECT ${t}.resource_id FROM records.text_index ${t}
          WHERE ${t}.resource_type = ${bind(ctx, type)} AND ${t}.param = ${bind(ctx, param)}
          AND (${queries.join(' OR ')}))`;
}

export function listSql(ctx: SqlContext, resource: string, type: string, values: string[]): string {
  const ids = values.map((value) => unescapeValue(value));
  if (ids.some((id) => !/^[A-Za-z0-9\-.]{1,64}$/.test(id)))
    throw invalidSearch('_list takes the id of a List');
  const l = alias(ctx, 'list');
  return `${resource}.id IN (SELECT ${l}.target_id FROM records.reference_index ${l}
          WHERE ${l}.resource_type = 'List' AND ${l}.resource_id = ANY(${bind(ctx, ids, 'text[]')})
          AND ${l}.param = 'item' AND ${l}.target_type = ${bind(ctx, type)})`;
}
