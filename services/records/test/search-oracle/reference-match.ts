// Reference and uri search (R4 search §reference, §uri): Type/id, a bare id (any target type),
// :Type, an absolute URL (the server's own base equals relative), canonical URLs, :identifier;
// uri equality, :below (the value starts with the search path) and :above (the reverse).
import type { TypedValue } from './extract.ts';
import { matchToken } from './token-match.ts';
import { anyOf, type Verdict } from './verdict.ts';

interface ParsedReference {
  type: string;
  id: string;
  /** A version-specific reference ("…/_history/2"). */
  versioned: boolean;
}

const RELATIVE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[^/]+)?$/;

/** A reference string relative to `base` ("Patient/1"), or undefined when it points elsewhere. */
export function parseLocalReference(reference: string, base: string): ParsedReference | undefined {
  const local = reference.startsWith(`${base}/`) ? reference.slice(base.length + 1) : reference;
  const m = RELATIVE.exec(local);
  return m ? { type: m[1] as string, id: m[2] as string, versioned: m[3] !== undefined } : undefined;
}

/** The reference strings one value holds (Reference.reference, or the canonical/uri itself). */
function referenceStrings(value: TypedValue): string[] {
  if (typeof value.value === 'string') return [value.value];
  const data = value.value as { reference?: unknown };
  return typeof data.reference === 'string' ? [data.reference] : [];
}

export interface ReferenceQuery {
  /** The modifier: '' | a resource type | 'identifier'. */
  modifier: string;
  value: string;
}

function oneReference(
  text: string,
  canonical: boolean,
  query: ReferenceQuery,
  base: string,
  targets: readonly string[],
): Verdict {
  if (text.startsWith('#')) return 'no'; // contained: not searchable by reference
  const target = parseLocalReference(text, base);
  const wanted = query.value;
  // A canonical is a URL, not a literal reference: a relative one matching "Type/id" is open.
  const open = target?.versioned || canonical;
  const versionAnswer = (hit: boolean): Verdict => (hit ? (open ? 'may' : 'yes') : 'no');
  if (query.modifier !== '') {
    return versionAnswer(target !== undefined && target.type === query.modifier && target.id === wanted);
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(wanted)) {
    // An absolute URL: the server's own base makes it local; otherwise the literal text matches.
    const local = parseLocalReference(wanted, base);
    if (wanted.startsWith(`${base}/`) && local) {
      return versionAnswer(target !== undefined && target.type === local.type && target.id === local.id);
    }
    const bar = text.indexOf('|');
    return (bar < 0 ? text : text.slice(0, bar)) === wanted ? 'yes' : 'no';
  }
  const local = parseLocalReference(wanted, base);
  if (local)
    return versionAnswer(target !== undefined && target.type === local.type && target.id === local.id);
  // A bare id: any of the parameter's target types.
  return versionAnswer(target !== undefined && target.id === wanted && targets.includes(target.type));
}

export function matchReference(
  values: TypedValue[],
  queries: ReferenceQuery[],
  base: string,
  targets: readonly string[],
): Verdict {
  return anyOf(
    queries.map((query): Verdict => {
      if (query.modifier === 'identifier') {
        const identifiers = values.flatMap((value) => {
          const identifier = (value.value as { identifier?: unknown }).identifier;
          return identifier ? [{ type: 'Identifier', value: identifier }] : [];
        });
        return matchToken(identifiers, [query.value], '');
      }
      return anyOf(
        values.flatMap((value) =>
          referenceStrings(value).map((text) =>
            oneReference(text, typeof value.value === 'string', query, base, targets),
          ),
        ),
      );
    }),
  );
}

/**
 * Whether a reference value counts as "having a value" for :missing: a literal reference does; one
 * to a contained resource ("#x") or with only an identifier or display is left open.
 */
export function referencePresence(values: TypedValue[]): Verdict {
  const texts = values.flatMap(referenceStrings);
  if (texts.some((text) => !text.startsWith('#'))) return 'yes';
  return values.length > 0 ? 'may' : 'no';
}

export type UriModifier = '' | 'below' | 'above';

export function matchUri(values: TypedValue[], queries: string[], modifier: UriModifier): Verdict {
  const texts = values.flatMap((value) => (typeof value.value === 'string' ? [value.value] : []));
  return anyOf(
    queries.flatMap((query) =>
      texts.map((text): Verdict => {
        if (modifier === 'below') return text.startsWith(query) ? 'yes' : 'no';
        if (modifier === 'above') return query.startsWith(text) ? 'yes' : 'no';
        return text === query ? 'yes' : 'no';
      }),
    ),
  );
}
