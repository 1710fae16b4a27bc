// SMART v2 granular scopes: `patient/Observation.rs?category=…|vital-signs` parses to a condition,
// grants only on resources that satisfy it (reads hidden, writes refused otherwise), and anything
// not understood — or a granular user/ or system/ scope — grants nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideResource,
  decideType,
  formatScope,
  type Principal,
  parseResourceScope,
  parseScopes,
  resourceMatches,
  scopesAllow,
  scopesAllowResource,
  scopeWithin,
} from '../src/index.ts';

const categories = 'http://terminology.hl7.org/CodeSystem/observation-category';
const vitalScope = `patient/Observation.rs?category=${categories}|vital-signs`;
const now = new Date('2026-12-01T10:00:00Z');

const observation = (category: string, patient = 'p1', system = categories) => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system, code: category }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: `Patient/${patient}` },
});

function principal(scope: string, overrides: Partial<Principal> = {}): Principal {
  return {
    subject: 'u1',
    clientId: 'app',
    kind: 'user',
    roles: ['patient'],
    patient: 'p1',
    scopes: parseScopes(scope).resources,
    careTeamPatients: new Set(),
    breakGlass: [],
    tokenId: 't',
    issuedAt: now,
    expiresAt: new Date(now.getTime() + 300_000),
    ...overrides,
  };
}

describe('parsing', () => {
  it.each([
    [vitalScope, vitalScope],
    ['patient/Observation.rs?category=vital-signs', 'patient/Observation.rs?category=vital-signs'],
    [
      'patient/Observation.rs?category=vital-signs,laboratory&code=http://loinc.org|8867-4',
      'patient/Observation.rs?category=vital-signs,laboratory&code=http://loinc.org|8867-4',
    ],
    ['user/Condition.rs?category=problem-list-item', 'user/Condition.rs?category=problem-list-item'],
    ['patient/Observation.rs?category=vital%2Dsigns', 'patient/Observation.rs?category=vital-signs'],
  ])('parses %s as %s', (text, canonical) => {
    const scope = parseResourceScope(text);
    expect(scope?.conditions).toBeDefined();
    expect(formatScope(scope!)).toBe(canonical);
  });

  it.each([
    'patient/Observation.rs?', // empty query
    'patient/Observation.rs?status=final', // a parameter not understood
    'patient/Observation.rs?category=', // no value
    'patient/Observation.rs?category=a|', // half a token
    'patient/Observation.rs?category=vital-signs&', // dangling
    'patient/*.rs?category=vital-signs', // a wildcard type
    'patient/Patient.rs?category=x', // a type without the parameter
    'patient/Observation.read?category=vital-signs', // v1 letters
    'patient/Observation.sr?category=vital-signs', // letters out of order
    'patient/Observation.rs?category=%E0%A4%A', // malformed escape
  ])('grants nothing for %s', (text) => {
    expect(parseResourceScope(text)).toBeUndefined();
  });

  it('round-trips and never throws (property)', () => {
    const code = fc.stringMatching(/^[A-Za-z0-9.:/-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('Observation', 'Condition', 'DiagnosticReport'),
        fc.array(
          fc.tuple(
            fc.constantFrom('category', 'code'),
            fc.array(fc.tuple(fc.option(code), code), { minLength: 1, maxLength: 3 }),
          ),
          {
            minLength: 1,
            maxLength: 3,
          },
        ),
        (type, params) => {
          const query = params
            .map(
              ([name, tokens]) =>
                `${name}=${tokens.map(([system, c]) => (system ? `${system}|${c}` : c)).join(',')}`,
            )
            .join('&');
          const scope = parseResourceScope(`patient/${type}.rs?${query}`);
          expect(scope).toBeDefined();
          expect(parseResourceScope(formatScope(scope!))).toEqual(scope);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (query) => {
        const scope = parseResourceScope(`patient/Observation.rs?${query}`);
        if (scope !== undefined) expect(parseResourceScope(formatScope(scope))).toEqual(scope);
      }),
    );
  });
});

describe('matching', () => {
  const [scope] = parseScopes(vitalScope).resources;

  it('matches on system and code, or on the code alone when no system is given', () => {
    expect(resourceMatches(scope!.conditions!, observation('vital-signs'))).toBe(true);
    expect(resourceMatches(scope!.conditions!, observation('laboratory'))).toBe(false);
    expect(
      resourceMatches(scope!.conditions!, observation('vital-signs', 'p1', 'http://other.example')),
    ).toBe(false);
    expect(resourceMatches(scope!.conditions!, { resourceType: 'Observation' })).toBe(false);
    const [anySystem] = parseScopes('patient/Observation.rs?category=vital-signs').resources;
    expect(
      resourceMatches(anySystem!.conditions!, observation('vital-signs', 'p1', 'http://other.example')),
    ).toBe(true);
    const [both] = parseScopes(
      `patient/Observation.rs?category=vital-signs&code=http://loinc.org|1234-5`,
    ).resources;
    expect(resourceMatches(both!.conditions!, observation('vital-signs'))).toBe(false);
  });

  it('does not count as an unconditional grant (scopesAllow), only resource by resource', () => {
    const scopes = parseScopes(vitalScope).resources;
    expect(scopesAllow(scopes, 'patient', 'Observation', 'r')).toBe(false);
    expect(scopesAllowResource(scopes, 'patient', 'Observation', 'r', observation('vital-signs'))).toBe(true);
    expect(scopesAllowResource(scopes, 'patient', 'Observation', 'r', observation('laboratory'))).toBe(false);
    expect(scopesAllowResource(scopes, 'patient', 'Observation', 'c', observation('vital-signs'))).toBe(
      false,
    );
  });

  it('bounds a granular request by an unconditional or identical granular grant', () => {
    const request = parseResourceScope(vitalScope)!;
    expect(scopeWithin(request, parseScopes('patient/*.rs').resources)).toBe(true);
    expect(scopeWithin(request, parseScopes(vitalScope).resources)).toBe(true);
    expect(scopeWithin(request, parseScopes('patient/Observation.rs?category=laboratory').resources)).toBe(
      false,
    );
    expect(
      scopeWithin(parseResourceScope('patient/Observation.rs')!, parseScopes(vitalScope).resources),
    ).toBe(false);
    expect(scopeWithin(request, parseScopes('user/*.rs').resources)).toBe(false);
  });
});

describe('decisions', () => {
  it('a patient app with vital signs only reads and searches its vital signs, nothing else', () => {
    const app = principal(vitalScope);
    expect(decideType(app, 'Observation', 's').allowed).toBe(true);
    expect(decideType(app, 'Condition', 's').allowed).toBe(false);
    const read = (resource: unknown, permission: 'r' | 's' = 'r') =>
      decideResource(app, { type: 'Observation', permission, resource }, now);
    expect(read(observation('vital-signs')).allowed).toBe(true);
    expect(read(observation('vital-signs'), 's').allowed).toBe(true);
    // A laboratory result of the same patient is hidden, as is another patient's vital sign.
    expect(read(observation('laboratory'))).toEqual({ allowed: false, hide: true, reason: 'scope' });
    expect(read(observation('vital-signs', 'p2'))).toMatchObject({ allowed: false, hide: true });
  });

  it('writes: created only when the new resource satisfies the query', () => {
    const app = principal(`patient/Observation.crs?category=${categories}|vital-signs`, {
      roles: ['nurse'],
      careTeamPatients: new Set(['p1']),
    });
    const create = (resource: unknown) =>
      decideResource(app, { type: 'Observation', permission: 'c', resource }, now);
    expect(create(observation('vital-signs')).allowed).toBe(true);
    expect(create(observation('laboratory'))).toEqual({ allowed: false, hide: false, reason: 'scope' });
  });

  it('granular user/ and system/ scopes grant nothing (their results are not filtered per resource)', () => {
    const clinician = principal('user/Observation.rs?category=vital-signs', {
      roles: ['clinician'],
      patient: undefined,
      careTeamPatients: new Set(['p1']),
    });
    expect(decideType(clinician, 'Observation', 'r').allowed).toBe(false);
    const backend = principal('system/Observation.rs?category=vital-signs', {
      kind: 'system',
      patient: undefined,
    });
    expect(decideType(backend, 'Observation', 's').allowed).toBe(false);
    expect(
      decideResource(
        backend,
        { type: 'Observation', permission: 'r', resource: observation('vital-signs') },
        now,
      ).allowed,
    ).toBe(false);
  });

  it('a granular scope without a launch patient grants nothing', () => {
    const app = principal(vitalScope, { patient: undefined });
    expect(decideType(app, 'Observation', 'r').allowed).toBe(false);
  });
});
