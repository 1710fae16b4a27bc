// Makes one new patient from a Synthea transaction Bundle: new ids (UUIDs from a seeded generator),
// a new name, every date shifted back by the same whole number of days, identifiers made unique,
// and `urn:uuid:` references rewritten to `Type/id`; entries become PUTs so the ids are known ahead.

type Json = Record<string, unknown>;

/** mulberry32: small and seeded; one stream per patient so patients can be made independently. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(next: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join('');
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ra',
  'so',
  'tu',
  'vi',
  'ze',
  'po',
  'an',
  'el',
  'is',
  'or',
  'ul',
  'by',
];
const DATE_PREFIX = /^(\d{4}-\d{2}-\d{2})(T.*)?$/;

function shiftDate(text: string, days: number): string {
  const m = DATE_PREFIX.exec(text);
  if (!m) return text;
  const day = new Date(`${m[1]}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - days);
  return `${day.toISOString().slice(0, 10)}${m[2] ?? ''}`;
}

export interface GrownPatient {
  bundle: Json;
  patientId: string;
  family: string;
  given: string;
  birthDate: string;
  resources: number;
}

export interface NamePools {
  families: string[];
  givens: string[];
}

/** Family and given names seen across the templates (digits Synthea appends removed). */
export function namePools(templates: Json[]): NamePools {
  const families = new Set<string>();
  const givens = new Set<string>();
  for (const bundle of templates) {
    for (const entry of (bundle.entry ?? []) as Json[]) {
      const resource = entry.resource as Json;
      if (resource.resourceType !== 'Patient') continue;
      for (const name of (resource.name ?? []) as Array<{ family?: string; given?: string[] }>) {
        if (name.family) families.add(name.family.replace(/\d+/g, ''));
        for (const given of name.given ?? []) givens.add(given.replace(/\d+/g, ''));
      }
    }
  }
  return { families: [...families].sort(), givens: [...givens].sort() };
}

export function growPatient(template: Json, index: number, seed: number, pools: NamePools): GrownPatient {
  const next = seeded((seed * 1_000_003 + index) >>> 0);
  const pick = <T>(list: T[]): T => list[Math.floor(next() * list.length)] as T;
  const shiftDays = Math.floor(next() * 3650);
  const family = `${pick(pools.families)}${pick(SYLLABLES)}${pick(SYLLABLES)}`;
  const given = pick(pools.givens);
  const entries = (template.entry ?? []) as Json[];
  const ids = new Map<string, string>();
  for (const entry of entries) {
    const resource = entry.resource as Json;
    ids.set(entry.fullUrl as string, `${resource.resourceType}/${uuid(next)}`);
  }
  let patientId = '';
  let birthDate = '';
  const rewrite = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') {
      if (key === 'reference') return ids.get(value) ?? value;
      return DATE_PREFIX.test(value) ? shiftDate(value, shiftDays) : value;
    }
    if (Array.isArray(value)) return value.map((item) => rewrite(item, key));
    if (value && typeof value === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) out[k] = k === 'div' ? v : rewrite(v, k);
      return out;
    }
    return value;
  };
  const grown = entries.map((entry) => {
    const name = ids.get(entry.fullUrl as string) as string;
    const [type, id] = name.split('/') as [string, string];
    const resource = rewrite(entry.resource, '') as Json;
    resource.id = id;
    delete resource.text; // narrative would still carry the template's name
    if (type === 'Patient') {
      patientId = id;
      birthDate = String(resource.birthDate ?? '');
      resource.name = [{ use: 'official', family, given: [given] }];
      resource.identifier = ((resource.identifier ?? []) as Json[]).map((identifier) => ({
        ...identifier,
        value: `${String(identifier.value)}-${seed}-${index}`,
      }));
    } else if (Array.isArray(resource.identifier)) {
      resource.identifier = (resource.identifier as Json[]).map((identifier) =>
        identifier.value === (entry.resource as Json).id ? { ...identifier, value: id } : identifier,
      );
    }
    return { fullUrl: `urn:uuid:${id}`, resource, request: { method: 'PUT', url: name } };
  });
  return {
    bundle: { resourceType: 'Bundle', type: 'transaction', entry: grown },
    patientId,
    family,
    given,
    birthDate,
    resources: grown.length,
  };
}
