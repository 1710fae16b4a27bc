// Predicates for reference search values: `Type/id`, a bare id, an absolute URL (this server's own
// base means a local reference), `:Type` with an id, and `:identifier` (system|value).
import { isResourceType } from '@healthlane/fhir';
import { splitEscaped, unescapeValue } from './escape.ts';
import { invalidSearch } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';

const relative = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

function local(ctx: SqlContext, type: string, id: string): string {
  return `(i.target_type = ${bind(ctx, type)} AND i.target_id = ${bind(ctx, id)})`;
}

export function referencePredicate(ctx: SqlContext, value: string, modifier: string | undefined): string {
  if (modifier === 'identifier') {
    const parts = splitEscaped(value, '|', true);
    if (parts.length === 1 && parts[0] !== '') return `i.identifier_value = ${bind(ctx, parts[0])}`;
    if (parts.length !== 2 || parts[1] === '')
      throw invalidSearch('An :identifier search needs system|value or value');
    const [system, id] = parts as [string, string];
    return system === ''
      ? `(i.identifier_system IS NULL AND i.identifier_value = ${bind(ctx, id)})`
      : `(i.identifier_system = ${bind(ctx, system)} AND i.identifier_value = ${bind(ctx, id)})`;
  }
  let text = unescapeValue(value);
  if (text === '') throw invalidSearch('A reference search value is empty');
  if (text.startsWith(`${ctx.baseUrl}/`)) text = text.slice(ctx.baseUrl.length + 1);
  const match = relative.exec(text);
  if (match) {
    const [, type, id] = match as unknown as [string, string, string];
    if (modifier !== undefined && modifier !== type) {
      throw invalidSearch('A reference search value names a type other than its :Type modifier');
    }
    return local(ctx, type, id);
  }
  if (modifier !== undefined) {
    if (!isResourceType(modifier)) throw invalidSearch('A reference :Type modifier is not a resource type');
    return local(ctx, modifier, text);
  }
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(text)) return `i.target_id = ${bind(ctx, text)}`;
  return `i.url = ${bind(ctx, text)}`;
}
