// Query generator: for each search parameter of a type, queries built from values actually present
// in the data (picked with a seeded generator) and from values that are absent, per modifier and
// prefix where the parameter type has them; plus chains, `_has` and AND pairs.
import type { SearchParameter } from '@healthlane/fhir';
import { dateRanges } from './date-match.ts';
import type { TypedValue } from './extract.ts';
import { oracleParameters, type Resource, type SearchOracle } from './oracle.ts';
import type { Criterion, OracleQuery } from './query.ts';
import { parseLocalReference } from './reference-match.ts';
import { normalizeString, stringParts } from './string-match.ts';
import { type TokenEntry, tokenEntries } from './token-match.ts';

export interface GenerateOptions {
  /** Present values sampled per parameter. */
  valuesPerParameter: number;
  seed: number;
}

/** mulberry32: small, seeded, good enough to spread the picks. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values with characters that are escapes in search syntax, or blank, are not used as queries. */
const PLAIN = /^(?=.*\S)[^\\,$|]+$/;

function pick<T>(items: T[], count: number, next: () => number): T[] {
  const unique = [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
  const chosen: T[] = [];
  while (chosen.length < count && unique.length > 0) {
    chosen.push(unique.splice(Math.floor(next() * unique.length), 1)[0] as T);
  }
  return chosen;
}

const ABSENT = 'zzq-absent-xj';
/** Numbers written plainly (1e-22 is a valid value but not a search value the oracle writes). */
const DECIMAL = /^-?\d+(\.\d+)?$/;

type Make = (variant: string, criteria: Criterion[]) => OracleQuery;

function stringQueries(values: TypedValue[], count: number, next: () => number, make: Make): OracleQuery[] {
  const parts = values.flatMap(stringParts).filter((part) => PLAIN.test(part) && part.trim() === part);
  const out: OracleQuery[] = [];
  for (const part of pick(parts, count, next)) {
    const prefix = part.slice(0, Math.min(part.length, 3)).trim();
    out.push(make('starts-with', [{ code: '', modifier: '', values: [prefix.toLowerCase()] }]));
    const stripped = part.normalize('NFD').replace(/\p{M}/gu, '');
    if (stripped !== part)
      out.push(make('accent', [{ code: '', modifier: '', values: [stripped.toUpperCase()] }]));
    out.push(make(':exact', [{ code: '', modifier: 'exact', values: [part] }]));
    if (part.toLowerCase() !== part) {
      out.push(make(':exact-case', [{ code: '', modifier: 'exact', values: [part.toLowerCase()] }]));
    }
    if (part.length >= 4) {
      const middle = part.slice(1, 4).trim();
      if (middle && PLAIN.test(middle))
        out.push(make(':contains', [{ code: '', modifier: 'contains', values: [middle.toUpperCase()] }]));
    }
  }
  out.push(make('absent', [{ code: '', modifier: '', values: [ABSENT] }]));
  return out;
}

function tokenQueries(values: TypedValue[], count: number, next: () => number, make: Make): OracleQuery[] {
  const entries = values.flatMap(tokenEntries).filter((e) => e.code === undefined || PLAIN.test(e.code));
  const withCode = entries.filter((e): e is TokenEntry & { code: string } => e.code !== undefined);
  const out: OracleQuery[] = [];
  for (const entry of pick(withCode, count, next)) {
    const system = entry.system !== undefined && PLAIN.test(entry.system) ? entry.system : undefined;
    out.push(make('code', [{ code: '', modifier: '', values: [entry.code] }]));
    if (entry.kind === 'coding' || entry.kind === 'identifier') {
      if (system !== undefined) {
        out.push(make('system|code', [{ code: '', modifier: '', values: [`${system}|${entry.code}`] }]));
        out.push(make('system|', [{ code: '', modifier: '', values: [`${system}|`] }]));
        out.push(make(':not', [{ code: '', modifier: 'not', values: [`${system}|${entry.code}`] }]));
      } else {
        out.push(make('|code', [{ code: '', modifier: '', values: [`|${entry.code}`] }]));
      }
      for (const type of entry.types ?? []) {
        if (type.system && type.code && PLAIN.test(type.system) && PLAIN.test(type.code)) {
          out.push(
            make(':of-type', [
              { code: '', modifier: 'of-type', values: [`${type.system}|${type.code}|${entry.code}`] },
            ]),
          );
        }
      }
    } else {
      out.push(make(':not', [{ code: '', modifier: 'not', values: [entry.code] }]));
    }
  }
  const texts = entries.flatMap((e) => e.texts).filter((t) => PLAIN.test(t));
  for (const text of pick(texts, Math.min(count, 2), next)) {
    out.push(make(':text', [{ code: '', modifier: 'text', values: [normalizeString(text)] }]));
  }
  if (withCode.length >= 2) {
    const [a, b] = pick(withCode, 2, next);
    if (a && b) out.push(make('or', [{ code: '', modifier: '', values: [a.code, b.code] }]));
  }
  out.push(make('absent', [{ code: '', modifier: '', values: [`http://example.org/absent|${ABSENT}`] }]));
  return out;
}

function dateText(value: TypedValue): string[] {
  const data = value.value as Record<string, unknown>;
  if (typeof value.value === 'string') return [value.value];
  if (value.type === 'Period')
    return [data.start, data.end].filter((v): v is string => typeof v === 'string');
  if (value.type === 'Timing')
    return ((data.event ?? []) as unknown[]).filter((v): v is string => typeof v === 'string');
  return [];
}

function dateQueries(values: TypedValue[], count: number, next: () => number, make: Make): OracleQuery[] {
  const texts = values.filter((v) => dateRanges(v).length > 0).flatMap(dateText);
  const out: OracleQuery[] = [];
  for (const text of pick(texts, count, next)) {
    const day = text.slice(0, 10);
    const q = (variant: string, value: string) =>
      out.push(make(variant, [{ code: '', modifier: '', values: [value] }]));
    q('eq-year', text.slice(0, 4));
    if (text.length >= 7) q('eq-month', text.slice(0, 7));
    if (text.length >= 10) {
      q('eq-day', day);
      for (const prefix of ['ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'])
        q(`${prefix}-day`, `${prefix}${day}`);
    }
    if (text.length > 10) {
      q('eq-full', text);
      q('ge-full', `ge${text}`);
      q('lt-full', `lt${text}`);
    }
  }
  out.push(make('absent', [{ code: '', modifier: '', values: ['1801-02-03'] }]));
  return out;
}

function quantityQueries(values: TypedValue[], count: number, next: () => number, make: Make): OracleQuery[] {
  const quantities = values
    .filter((v) => v.type !== 'Range' && v.type !== 'SampledData')
    .map((v) => v.value as { value?: number; system?: string; code?: string; unit?: string })
    .filter((q) => typeof q.value === 'number' && DECIMAL.test(String(q.value)));
  const out: OracleQuery[] = [];
  for (const quantity of pick(quantities, count, next)) {
    const number = String(quantity.value);
    const q = (variant: string, value: string) =>
      out.push(make(variant, [{ code: '', modifier: '', values: [value] }]));
    q('number', number);
    // The implicit range of a coarser value: 6.2 is [6.15, 6.25).
    if (/\.\d{2,}/.test(number)) q('number-1-decimal', (quantity.value as number).toFixed(1));
    for (const prefix of ['ne', 'gt', 'lt', 'ge', 'le']) q(prefix, `${prefix}${number}`);
    if (quantity.system && quantity.code && PLAIN.test(quantity.system) && PLAIN.test(quantity.code)) {
      q('number|system|code', `${number}|${quantity.system}|${quantity.code}`);
    }
    if (quantity.unit && PLAIN.test(quantity.unit)) q('number||unit', `${number}||${quantity.unit}`);
  }
  out.push(make('absent', [{ code: '', modifier: '', values: ['987654321'] }]));
  return out;
}

function referenceQueries(
  values: TypedValue[],
  count: number,
  next: () => number,
  make: Make,
  base: string,
): OracleQuery[] {
  const texts = values
    .map((v) => (typeof v.value === 'string' ? v.value : (v.value as { reference?: unknown }).reference))
    .filter((t): t is string => typeof t === 'string' && PLAIN.test(t) && !t.startsWith('#'));
  const out: OracleQuery[] = [];
  for (const text of pick(texts, count, next)) {
    const q = (variant: string, modifier: string, value: string) =>
      out.push(make(variant, [{ code: '', modifier, values: [value] }]));
    const local = parseLocalReference(text, base);
    if (local && !text.includes('://')) {
      q('Type/id', '', `${local.type}/${local.id}`);
      q('id', '', local.id);
      q(':Type', local.type, local.id);
      q('absolute-own-base', '', `${base}/${local.type}/${local.id}`);
    } else {
      q('url', '', text.split('|')[0] as string);
    }
  }
  const identifiers = values.flatMap((v) => {
    const identifier = (v.value as { identifier?: { system?: string; value?: string } }).identifier;
    return identifier?.system &&
      identifier.value &&
      PLAIN.test(identifier.system) &&
      PLAIN.test(identifier.value)
      ? [`${identifier.system}|${identifier.value}`]
      : [];
  });
  for (const identifier of pick(identifiers, 1, next)) {
    out.push(make(':identifier', [{ code: '', modifier: 'identifier', values: [identifier] }]));
  }
  out.push(make('absent', [{ code: '', modifier: '', values: [`Patient/${ABSENT}`] }]));
  return out;
}

function uriQueries(values: TypedValue[], count: number, next: () => number, make: Make): OracleQuery[] {
  const texts = values.map((v) => v.value).filter((t): t is string => typeof t === 'string' && PLAIN.test(t));
  const out: OracleQuery[] = [];
  for (const text of pick(texts, count, next)) {
    out.push(make('equal', [{ code: '', modifier: '', values: [text] }]));
    const slash = text.lastIndexOf('/');
    if (slash > 8)
      out.push(make(':below', [{ code: '', modifier: 'below', values: [text.slice(0, slash)] }]));
    out.push(make(':above', [{ code: '', modifier: 'above', values: [`${text}/child`] }]));
  }
  out.push(make('absent', [{ code: '', modifier: '', values: [`http://example.org/${ABSENT}`] }]));
  return out;
}

/** Every query for one parameter, with the parameter's code filled in. */
export function parameterQueries(
  oracle: SearchOracle,
  type: string,
  parameter: SearchParameter,
  options: GenerateOptions,
  next: () => number,
): OracleQuery[] {
  const resources = oracle.resources(type);
  const make: Make = (variant, criteria) => ({
    type,
    param: parameter.code,
    variant,
    criteria: criteria.map((c) => ({ ...c, code: parameter.code })),
  });
  const out: OracleQuery[] = [
    make(':missing=true', [{ code: '', modifier: 'missing', values: ['true'] }]),
    make(':missing=false', [{ code: '', modifier: 'missing', values: ['false'] }]),
  ];
  if (parameter.type === 'composite')
    return [...out, ...compositeQueries(oracle, resources, parameter, options, next, make)];
  const values = resources.flatMap((resource) => oracle.values(parameter, resource));
  const count = options.valuesPerParameter;
  switch (parameter.type) {
    case 'string':
      return [...out, ...stringQueries(values, count, next, make)];
    case 'token':
      return [...out, ...tokenQueries(values, count, next, make)];
    case 'date':
      return [...out, ...dateQueries(values, count, next, make)];
    case 'number':
    case 'quantity':
      return [...out, ...quantityQueries(values, count, next, make)];
    case 'reference':
      return [...out, ...referenceQueries(values, count, next, make, oracle.base)];
    case 'uri':
      return [...out, ...uriQueries(values, count, next, make)];
    default:
      return out;
  }
}

function componentValue(type: string, value: TypedValue): string | undefined {
  if (type === 'token') {
    const entry = tokenEntries(value).find(
      (e) => e.code && PLAIN.test(e.code) && (!e.system || PLAIN.test(e.system)),
    );
    if (!entry?.code) return undefined;
    return entry.system ? `${entry.system}|${entry.code}` : entry.code;
  }
  if (type === 'quantity') {
    const q = value.value as { value?: number; system?: string; code?: string };
    if (typeof q.value !== 'number' || !DECIMAL.test(String(q.value))) return undefined;
    return q.system && q.code && PLAIN.test(q.system) && PLAIN.test(q.code)
      ? `${q.value}|${q.system}|${q.code}`
      : String(q.value);
  }
  if (type === 'date') return dateText(value)[0]?.slice(0, 10);
  if (type === 'string') {
    const part = stringParts(value)[0];
    return part && PLAIN.test(part) ? part.slice(0, 3).toLowerCase() : undefined;
  }
  return undefined;
}

function compositeQueries(
  oracle: SearchOracle,
  resources: Resource[],
  parameter: SearchParameter,
  options: GenerateOptions,
  next: () => number,
  make: Make,
): OracleQuery[] {
  const types = oracle.compositeComponentTypes(parameter, resources[0]?.resourceType ?? '');
  const tuples: string[] = [];
  for (const resource of resources) {
    for (const root of oracle.compositeRoots(parameter, resource)) {
      const parts = types.map((type, index) => {
        const first = root[index]?.[0];
        return first ? componentValue(type, first) : undefined;
      });
      if (parts.every((p): p is string => p !== undefined)) tuples.push(parts.join('$'));
    }
  }
  const out = pick(tuples, options.valuesPerParameter, next).map((tuple) =>
    make('tuple', [{ code: '', modifier: '', values: [tuple] }]),
  );
  const absent = types.map((type) =>
    type === 'quantity' ? '987654321' : type === 'date' ? '1801-02-03' : ABSENT,
  );
  out.push(make('absent', [{ code: '', modifier: '', values: [absent.join('$')] }]));
  return out;
}

function firstToken(oracle: SearchOracle, resource: Resource, code: string): string | undefined {
  const parameter = oracleParameters(resource.resourceType).find((sp) => sp.code === code);
  if (!parameter) return undefined;
  const entry = oracle
    .values(parameter, resource)
    .flatMap(tokenEntries)
    .find((e) => e.code && e.system && PLAIN.test(e.code) && PLAIN.test(e.system));
  return entry ? `${entry.system}|${entry.code}` : undefined;
}

function patientOf(oracle: SearchOracle, resource: Resource): string | undefined {
  const parameter = oracleParameters(resource.resourceType).find((sp) => sp.code === 'patient');
  if (!parameter) return undefined;
  for (const value of oracle.values(parameter, resource)) {
    const text = (value.value as { reference?: unknown }).reference;
    const local = typeof text === 'string' ? parseLocalReference(text, oracle.base) : undefined;
    if (local?.type === 'Patient') return `Patient/${local.id}`;
  }
  return undefined;
}

/** AND of two parameters, one-level chains to Patient and `_has` from clinical resources. */
export function relationQueries(
  oracle: SearchOracle,
  type: string,
  options: GenerateOptions,
  next: () => number,
): OracleQuery[] {
  const out: OracleQuery[] = [];
  const resources = oracle.resources(type);
  const codes = new Set(oracleParameters(type).map((sp) => sp.code));
  const query = (param: string, variant: string, criteria: Criterion[]): OracleQuery => ({
    type,
    param,
    variant,
    criteria,
  });
  for (const resource of pick(resources, options.valuesPerParameter, next)) {
    const patient = patientOf(oracle, resource);
    const code = firstToken(oracle, resource, 'code');
    if (patient && code) {
      out.push(
        query('patient+code', 'and', [
          { code: 'patient', modifier: '', values: [patient] },
          { code: 'code', modifier: '', values: [code] },
        ]),
      );
    }
  }
  const patients = oracle.resources('Patient');
  for (const patient of pick(patients, options.valuesPerParameter, next)) {
    const family = (patient.name as Array<{ family?: string }> | undefined)?.[0]?.family;
    for (const code of ['subject', 'patient']) {
      if (!codes.has(code)) continue;
      if (family && PLAIN.test(family)) {
        out.push(
          query(`${code}:Patient.name`, 'chain', [
            {
              code,
              modifier: 'Patient',
              values: [],
              chain: { code: 'name', modifier: '', values: [family.slice(0, 4).toLowerCase()] },
            },
          ]),
        );
      }
      if (typeof patient.gender === 'string') {
        out.push(
          query(`${code}:Patient.gender`, 'chain', [
            {
              code,
              modifier: 'Patient',
              values: [],
              chain: { code: 'gender', modifier: '', values: [patient.gender] },
            },
          ]),
        );
      }
    }
  }
  // _include through each reference parameter that has values, from a few resources picked by _id.
  for (const parameter of oracleParameters(type).filter((sp) => sp.type === 'reference')) {
    const holders = resources.filter((r) =>
      oracle
        .values(parameter, r)
        .some((v) => typeof (v.value as { reference?: unknown }).reference === 'string'),
    );
    for (const holder of pick(holders, 1, next)) {
      out.push({
        ...query(`_include=${type}:${parameter.code}`, 'include', [
          { code: '_id', modifier: '', values: [holder.id] },
        ]),
        include: { kind: '_include', value: `${type}:${parameter.code}` },
      });
    }
  }
  if (type === 'Patient') {
    for (const [source, code] of [
      ['Observation', 'subject'],
      ['Encounter', 'subject'],
      ['Condition', 'patient'],
    ] as const) {
      for (const patient of pick(patients, 1, next)) {
        out.push({
          ...query(`_revinclude=${source}:${code}`, 'revinclude', [
            { code: '_id', modifier: '', values: [patient.id] },
          ]),
          include: { kind: '_revinclude', value: `${source}:${code}` },
        });
      }
    }
  }
  if (type === 'Patient') {
    for (const other of ['Observation', 'Condition', 'Encounter']) {
      for (const resource of pick(oracle.resources(other), options.valuesPerParameter, next)) {
        const code = firstToken(oracle, resource, other === 'Encounter' ? 'type' : 'code');
        if (!code) continue;
        const inner = other === 'Encounter' ? 'type' : 'code';
        out.push(
          query(`_has:${other}:patient:${inner}`, 'has', [
            {
              code: '_has',
              modifier: '',
              values: [],
              has: {
                type: other,
                reference: 'patient',
                criterion: { code: inner, modifier: '', values: [code] },
              },
            },
          ]),
        );
      }
    }
  }
  return out;
}

export { oracleParameters, random };
