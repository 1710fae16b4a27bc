// The text `_content` and `_text` search: `_content` is every string of the resource (the narrative
// as its text, without tags), `_text` the narrative alone. Both are normalized like string search
// (lower case, no accents) and capped, then indexed as a PostgreSQL tsvector (text_index).
import { normalizeString, searchParameter } from '@healthlane/fhir';

/** The most characters of one resource's text that are indexed (a tsvector holds at most 1 MB). */
export const maxIndexedText = 100_000;

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of XHTML narrative: tags become spaces, the common character references are decoded. */
export function narrativeText(xhtml: string): string {
  return xhtml
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code =
          name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return entities[name.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

function collectStrings(value: unknown, key: string, out: string[]): void {
  if (typeof value === 'string') {
    out.push(key === 'div' ? narrativeText(value) : value);
  } else if (Array.isArray(value)) {
    for (const item of value) collectStrings(item, key, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      if (name !== 'resourceType') collectStrings(item, name, out);
    }
  }
}

function indexedText(text: string): string {
  return normalizeString(text).slice(0, maxIndexedText);
}

/** The `_content` and `_text` documents of a resource, as (param, normalized text) pairs. */
export function textDocuments(resource: Record<string, unknown>): [string, string][] {
  const documents: [string, string][] = [];
  const all: string[] = [];
  collectStrings(resource, '', all);
  const content = indexedText(all.join(' '));
  if (content.trim() !== '') documents.push(['_content', content]);
  const narrative = (resource.text as { div?: unknown } | undefined)?.div;
  const type = resource.resourceType;
  if (typeof narrative === 'string' && typeof type === 'string' && searchParameter(type, '_text')) {
    const text = indexedText(narrativeText(narrative));
    if (text !== '') documents.push(['_text', text]);
  }
  return documents;
}
