// Token search (R4 search §token): code, system|code, |code, system|, :text, :not, :of-type over
// Coding, CodeableConcept, Identifier, ContactPoint and primitive code/string/boolean/id values.
import type { TypedValue } from './extract.ts';
import { normalizeString } from './string-match.ts';
import { anyOf, not, type Verdict } from './verdict.ts';

export interface TokenEntry {
  /** coding/identifier carry an explicit system; a primitive's system is only implied by its binding. */
  kind: 'coding' | 'identifier' | 'contact' | 'primitive';
  system?: string;
  code?: string;
  /** CodeableConcept.text, Coding.display, Identifier.type.text: what :text searches. */
  texts: string[];
  /** Identifier.type codings, for :of-type. */
  types?: Array<{ system?: string; code?: string }>;
}

interface CodingData {
  system?: string;
  code?: string;
  display?: string;
}

function coding(data: CodingData): TokenEntry {
  return {
    kind: 'coding',
    ...(data.system === undefined ? {} : { system: data.system }),
    ...(data.code === undefined ? {} : { code: data.code }),
    texts: data.display === undefined ? [] : [data.display],
  };
}

/** The token entries of one value; an unknown complex type throws (the oracle must not guess). */
export function tokenEntries(value: TypedValue): TokenEntry[] {
  const data = value.value as Record<string, unknown>;
  switch (value.type) {
    case 'Coding':
      return [coding(data as CodingData)];
    case 'CodeableConcept': {
      const codings = ((data.coding ?? []) as CodingData[]).map(coding);
      const text = typeof data.text === 'string' ? [data.text] : [];
      // The concept's text belongs to each of its codings (and stands alone when there is none).
      if (codings.length === 0) return [{ kind: 'coding', texts: text }];
      return codings.map((entry) => ({ ...entry, texts: [...entry.texts, ...text] }));
    }
    case 'Identifier': {
      const type = (data.type ?? {}) as { text?: string; coding?: CodingData[] };
      return [
        {
          kind: 'identifier',
          ...(typeof data.system === 'string' ? { system: data.system } : {}),
          ...(typeof data.value === 'string' ? { code: data.value } : {}),
          texts: typeof type.text === 'string' ? [type.text] : [],
          types: (type.coding ?? []).map((c) => ({
            ...(c.system === undefined ? {} : { system: c.system }),
            ...(c.code === undefined ? {} : { code: c.code }),
          })),
        },
      ];
    }
    case 'ContactPoint':
      return typeof data.value === 'string' ? [{ kind: 'contact', code: data.value, texts: [] }] : [];
    case 'code':
    case 'string':
    case 'id':
    case 'uri':
    case 'url':
    case 'canonical':
    case 'boolean':
      return [{ kind: 'primitive', code: String(value.value), texts: [] }];
    default:
      throw new Error(`token values of type ${value.type} are not defined for the oracle`);
  }
}

export type TokenModifier = '' | 'not' | 'text' | 'of-type';

function codeVerdict(entry: TokenEntry, code: string): Verdict {
  if (entry.code === undefined) return 'no';
  if (entry.code === code) return 'yes';
  // Case sensitivity follows the code system; a server may fold case for a case-insensitive one.
  return entry.code.toLowerCase() === code.toLowerCase() ? 'may' : 'no';
}

function entryVerdict(entry: TokenEntry, query: string): Verdict {
  const bar = query.indexOf('|');
  if (bar < 0) return codeVerdict(entry, query);
  const system = query.slice(0, bar);
  const code = query.slice(bar + 1);
  if (entry.kind === 'primitive' || entry.kind === 'contact') {
    // The system of a bare code is only implied: a server may or may not treat it as matching.
    return code === '' || codeVerdict(entry, code) !== 'no' ? 'may' : 'no';
  }
  if (system === '') return entry.system === undefined ? codeVerdict(entry, code) : 'no';
  if (entry.system !== system) return 'no';
  return code === '' ? 'yes' : codeVerdict(entry, code);
}

function textVerdict(entry: TokenEntry, query: string): Verdict {
  const wanted = normalizeString(query);
  return anyOf(
    entry.texts.map((text): Verdict => {
      const have = normalizeString(text);
      if (have.startsWith(wanted)) return 'yes';
      // R4 calls :text "string-like"; a server matching words inside the text is within reason.
      return have.includes(wanted) ? 'may' : 'no';
    }),
  );
}

function ofTypeVerdict(entry: TokenEntry, query: string): Verdict {
  const [system, code, value] = query.split('|');
  if (entry.kind !== 'identifier' || value === undefined) return 'no';
  const typed = (entry.types ?? []).some((t) => t.system === system && t.code === code);
  return typed && entry.code === value ? 'yes' : 'no';
}

/** One OR-list of token values (already split on commas) against a resource's values. */
export function matchToken(values: TypedValue[], queries: string[], modifier: TokenModifier): Verdict {
  const entries = values.flatMap(tokenEntries);
  const one = (query: string): Verdict =>
    anyOf(
      entries.map((entry) => {
        if (modifier === 'text') return textVerdict(entry, query);
        if (modifier === 'of-type') return ofTypeVerdict(entry, query);
        return entryVerdict(entry, query);
      }),
    );
  const verdict = anyOf(queries.map(one));
  return modifier === 'not' ? not(verdict) : verdict;
}
