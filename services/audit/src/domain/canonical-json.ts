// Canonical JSON for hashing (the RFC 8785 idea, for the values AuditEvents hold): object keys
// sorted by code unit, no whitespace, strings and numbers as JSON.stringify writes them. The same
// record always yields the same text, so its hash does not depend on how it was serialized.

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError('canonical JSON cannot hold undefined, functions or symbols');
    return text;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
