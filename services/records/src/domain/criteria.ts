// Search criteria for conditional create/update/delete: today `_id` and `identifier` (token), the
// ones conditional operations use in practice. Anything else is refused, never ignored, because
// ignoring a criterion would make a conditional write match the wrong resources.
import { Problem } from '@healthlane/kit';

/** The search parameters conditional operations understand today (the capability statement lists them). */
export const supportedCriteria = [
  { name: '_id', type: 'token', documentation: 'Logical id of the resource' },
  { name: 'identifier', type: 'token', documentation: 'Business identifier: system|value, |value or value' },
] as const;

/** One token: `system` undefined = any system, null = no system; `value` undefined = any value. */
export interface TokenMatch {
  system?: string | null;
  value?: string;
}

export type Criterion = { param: '_id'; ids: string[] } | { param: 'identifier'; tokens: TokenMatch[] };

export interface Criteria {
  /** ANDed; each criterion ORs its values. */
  criteria: Criterion[];
  /** A stable text for the same criteria however written (order, escaping): the lock key. */
  normalized: string;
}

/** Query parameters that shape the response, not the match. */
const resultParameters = new Set(['_format', '_pretty', '_summary', '_elements']);

function refuse(message: string): Problem {
  return Problem.invalid(message, {
    issues: [{ severity: 'error', code: 'not-supported', diagnostics: message, expression: [] }],
  });
}

/**
 * Splits on an unescaped separator. With `unescaping`, `\,` `\|` `\$` `\\` become the bare character;
 * without it escapes are kept for a later split (values are split on ',' before tokens on '|').
 */
function splitEscaped(text: string, separator: string, unescaping: boolean): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += unescaping ? text[++i] : `${char}${text[++i]}`;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function parseToken(text: string): TokenMatch {
  const bar = splitEscaped(text, '|', true);
  if (bar.length === 1) return { value: bar[0]! };
  if (bar.length !== 2) throw refuse('An identifier criterion has more than one unescaped |');
  const [system, value] = bar as [string, string];
  if (system === '' && value === '') throw refuse('An identifier criterion is empty');
  return { system: system === '' ? null : system, ...(value === '' ? {} : { value }) };
}

/** Parses criteria such as `identifier=http://x|123&_id=a,b` (the query string without '?'). */
export function parseCriteria(query: string): Criteria {
  const params = new URLSearchParams(query);
  const criteria: Criterion[] = [];
  const normalized: string[] = [];
  for (const [name, raw] of params) {
    if (resultParameters.has(name)) continue;
    const values = splitEscaped(raw, ',', false).filter((value) => value !== '');
    if (values.length === 0) throw refuse('A search criterion has no value');
    if (name === '_id') {
      const ids = values.map((value) => splitEscaped(value, ',', true).join(','));
      criteria.push({ param: '_id', ids });
      normalized.push(`_id=${JSON.stringify([...ids].sort())}`);
    } else if (name === 'identifier') {
      const tokens = values.map(parseToken);
      criteria.push({ param: 'identifier', tokens });
      normalized.push(`identifier=${JSON.stringify(tokens.map((t) => [t.system, t.value]).sort())}`);
    } else {
      throw refuse('A search criterion is not supported yet: only _id and identifier are');
    }
  }
  if (criteria.length === 0) throw refuse('A conditional operation needs search criteria');
  return { criteria, normalized: normalized.sort().join('&') };
}

/** The identifier tokens a resource is indexed under: Identifier or Identifier[] at `identifier`. */
export function identifierTokens(
  resource: Record<string, unknown>,
): Array<{ system: string | null; value: string | null }> {
  const raw = resource.identifier;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const tokens: Array<{ system: string | null; value: string | null }> = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { system, value } = item as { system?: unknown; value?: unknown };
    const token = {
      system: typeof system === 'string' ? system : null,
      value: typeof value === 'string' ? value : null,
    };
    if (token.system !== null || token.value !== null) tokens.push(token);
  }
  return tokens;
}
