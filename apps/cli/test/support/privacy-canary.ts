// The privacy canary's scanner: marker values (a patient's name, an identifier, a birth date, a
// clinical value, a password, a client secret, a bearer token) searched for in captured text — logs,
// metrics, error bodies, exported spans — in the forms they could take there: as typed, URL-encoded
// (a query string), JSON-escaped, base64 and base64url (a header or an encoded payload), and, for a
// token, its signature alone (a truncated token still leaks it).

export interface Canary {
  /** What the value stands for ('patient family name', 'bearer token'). */
  label: string;
  value: string;
}

export interface CanaryHit {
  label: string;
  /** Where it was found ('stdout', 'metrics', 'error body POST /fhir/R4/Patient'). */
  source: string;
  form: string;
  /** A little text around the hit, with the value itself masked, to find the culprit. */
  context: string;
}

/** The forms of `value` worth searching for (each at least 6 characters, so nothing trivially matches). */
export function canaryForms(value: string): { form: string; text: string }[] {
  const forms = [
    { form: 'as typed', text: value },
    { form: 'url-encoded', text: encodeURIComponent(value) },
    { form: 'form-encoded', text: new URLSearchParams({ v: value }).toString().slice(2) },
    { form: 'json-escaped', text: JSON.stringify(value).slice(1, -1) },
    { form: 'base64', text: Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '') },
    { form: 'base64url', text: Buffer.from(value, 'utf8').toString('base64url') },
  ];
  const parts = value.split('.');
  if (parts.length === 3 && parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) {
    forms.push({ form: 'JWT signature', text: parts[2]! });
  }
  const seen = new Set<string>();
  return forms.filter(({ text }) => text.length >= 6 && !seen.has(text) && seen.add(text));
}

/** Every place a canary appears in `text`, in any of its forms. */
export function scanForCanaries(source: string, text: string, canaries: readonly Canary[]): CanaryHit[] {
  const hits: CanaryHit[] = [];
  for (const canary of canaries) {
    for (const { form, text: needle } of canaryForms(canary.value)) {
      const at = text.indexOf(needle);
      if (at === -1) continue;
      const context = text
        .slice(Math.max(0, at - 80), at + needle.length + 80)
        .replace(needle, `<${canary.label}>`);
      hits.push({ label: canary.label, source, form, context });
    }
  }
  return hits;
}
