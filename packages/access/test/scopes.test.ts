// SMART scope grammar: v2 cruds in order, v1 forms mapped, anything else grants nothing (granular
// scopes: granular-scopes.test.ts).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { formatScope, parseResourceScope, parseScopes, scopesAllow, scopeWithin } from '../src/index.ts';

it.each([
  ['patient/Observation.rs', 'patient/Observation.rs'],
  ['user/*.cruds', 'user/*.cruds'],
  ['system/Patient.c', 'system/Patient.c'],
  ['patient/Observation.read', 'patient/Observation.rs'],
  ['user/Encounter.write', 'user/Encounter.cud'],
  ['system/*.*', 'system/*.cruds'],
])('parses %s as %s', (text, canonical) => {
  const scope = parseResourceScope(text);
  expect(scope).toBeDefined();
  expect(formatScope(scope!)).toBe(canonical);
});

it.each([
  'patient/Observation.sr', // out of order
  'patient/Observation.rr', // repeated
  'patient/Observation.x',
  'patient/Observation.',
  'doctor/Observation.rs',
  'patient/observation.rs',
  'patient/Observation.rs?status=final', // a granular query not understood: nothing granted (granular-scopes.test.ts)
  'openid',
  'launch/patient',
])('grants nothing for %s', (text) => {
  expect(parseResourceScope(text)).toBeUndefined();
});

it('answers per context, type and permission', () => {
  const { resources, other } = parseScopes('openid fhirUser patient/Observation.rs user/*.r launch/patient');
  expect(other).toEqual(['openid', 'fhirUser', 'launch/patient']);
  expect(scopesAllow(resources, 'patient', 'Observation', 's')).toBe(true);
  expect(scopesAllow(resources, 'patient', 'Observation', 'c')).toBe(false);
  expect(scopesAllow(resources, 'patient', 'Condition', 'r')).toBe(false);
  expect(scopesAllow(resources, 'user', 'Condition', 'r')).toBe(true);
  expect(scopesAllow(resources, 'user', 'Condition', 's')).toBe(false);
  expect(scopesAllow(resources, 'system', 'Condition', 'r')).toBe(false);
});

it('bounds a request by what was granted', () => {
  const granted = parseScopes('system/*.cruds').resources;
  expect(scopeWithin(parseResourceScope('system/Observation.rs')!, granted)).toBe(true);
  expect(scopeWithin(parseResourceScope('user/Observation.rs')!, granted)).toBe(false);
  const narrow = parseScopes('system/Observation.rs').resources;
  expect(scopeWithin(parseResourceScope('system/*.rs')!, narrow)).toBe(false);
  expect(scopeWithin(parseResourceScope('system/Observation.r')!, narrow)).toBe(true);
  expect(scopeWithin(parseResourceScope('system/Observation.c')!, narrow)).toBe(false);
});

it('never throws and never grants more than the letters it was given (property)', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      const scope = parseResourceScope(text);
      if (scope === undefined) return;
      expect(scope.permissions.size).toBeGreaterThan(0);
      expect(parseResourceScope(formatScope(scope))).toEqual(scope);
    }),
  );
  fc.assert(
    fc.property(
      fc.subarray(['c', 'r', 'u', 'd', 's']),
      fc.constantFrom('patient', 'user', 'system'),
      (letters, context) => {
        const scope = parseResourceScope(`${context}/Observation.${letters.join('')}`);
        if (letters.length === 0) expect(scope).toBeUndefined();
        else expect([...scope!.permissions].sort()).toEqual([...letters].sort());
      },
    ),
  );
});
