// The `Prefer: return=...` header on create/update/patch: what the response body should be.
export type ReturnPreference = 'minimal' | 'representation' | 'OperationOutcome';

/** The return preference asked for; representation when absent or not understood (the spec's default). */
export function parseReturnPreference(header: string | undefined): ReturnPreference {
  for (const part of (header ?? '').split(/[,;]/)) {
    const [key, raw] = part.split('=', 2).map((text) => text.trim());
    if (key?.toLowerCase() !== 'return' || raw === undefined) continue;
    const value = raw.replace(/^"|"$/g, '');
    if (value === 'minimal' || value === 'representation') return value;
    if (value.toLowerCase() === 'operationoutcome') return 'OperationOutcome';
  }
  return 'representation';
}
