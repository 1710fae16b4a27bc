// The access decision on its own: scopes × role × reach × break-glass, deny by default.
import { describe, expect, it } from 'vitest';
import { decideResource, decideType, type Principal, parseScopes, patientsOf } from '../src/index.ts';

const now = new Date('2026-12-01T10:00:00Z');
function principal(overrides: Partial<Principal> & { scope: string }): Principal {
  const { scope, ...rest } = overrides;
  return {
    subject: 'u1',
    clientId: 'app',
    kind: 'user',
    roles: [],
    scopes: parseScopes(scope).resources,
    careTeamPatients: new Set(),
    breakGlass: [],
    tokenId: 't',
    issuedAt: now,
    expiresAt: new Date(now.getTime() + 300_000),
    ...rest,
  };
}
const obs = (patient: string) => ({
  resourceType: 'Observation',
  subject: { reference: `Patient/${patient}` },
});

describe('patientsOf', () => {
  it('collects Patient references outside contained resources, and a Patient’s own id', () => {
    expect(
      [
        ...patientsOf({
          resourceType: 'Observation',
          subject: { reference: 'Patient/a' },
          performer: [{ reference: 'https://x.example/fhir/Patient/b/_history/2' }],
          contained: [{ resourceType: 'Patient', id: 'c' }],
          focus: [{ reference: 'Group/g' }],
        }),
      ].sort(),
    ).toEqual(['a', 'b']);
    expect([...patientsOf({ resourceType: 'Patient', id: 'p' })]).toEqual(['p']);
  });
});

describe('decisions', () => {
  it('system tokens: scopes alone', () => {
    const p = principal({ kind: 'system', scope: 'system/Observation.rs' });
    expect(decideType(p, 'Observation', 'r').allowed).toBe(true);
    expect(decideType(p, 'Observation', 'c').allowed).toBe(false);
    expect(decideResource(p, { type: 'Observation', permission: 'r', resource: obs('x') }, now).allowed).toBe(
      true,
    );
  });

  it('a user scope never widens the role; the role never widens the scope', () => {
    const nurse = principal({ roles: ['nurse'], scope: 'user/*.cruds', careTeamPatients: new Set(['a']) });
    expect(decideType(nurse, 'Observation', 'd')).toMatchObject({ allowed: false, reason: 'role' });
    const reader = principal({ roles: ['clinician'], scope: 'user/*.rs', careTeamPatients: new Set(['a']) });
    expect(decideType(reader, 'Observation', 'c')).toMatchObject({ allowed: false, reason: 'scope' });
  });

  it('reads out of reach are hidden (404); writes out of reach are refused (403); mixed writes refused', () => {
    const doctor = principal({
      roles: ['clinician'],
      scope: 'user/*.cruds',
      careTeamPatients: new Set(['a']),
    });
    expect(
      decideResource(doctor, { type: 'Observation', permission: 'r', resource: obs('a') }, now).allowed,
    ).toBe(true);
    expect(
      decideResource(doctor, { type: 'Observation', permission: 'r', resource: obs('b') }, now),
    ).toMatchObject({
      allowed: false,
      hide: true,
    });
    expect(
      decideResource(doctor, { type: 'Observation', permission: 'c', resource: obs('b') }, now),
    ).toMatchObject({
      allowed: false,
      hide: false,
    });
    const both = { ...obs('a'), performer: [{ reference: 'Patient/b' }] };
    expect(
      decideResource(doctor, { type: 'Observation', permission: 'c', resource: both }, now).allowed,
    ).toBe(false);
  });

  it('break-glass opens one patient until it ends, flagged as emergency', () => {
    const doctor = principal({
      roles: ['clinician'],
      scope: 'user/*.cruds',
      breakGlass: [{ patient: 'b', expiresAt: new Date(now.getTime() + 60_000) }],
    });
    expect(decideResource(doctor, { type: 'Observation', permission: 'r', resource: obs('b') }, now)).toEqual(
      {
        allowed: true,
        emergency: true,
      },
    );
    const later = new Date(now.getTime() + 61_000);
    expect(
      decideResource(doctor, { type: 'Observation', permission: 'r', resource: obs('b') }, later).allowed,
    ).toBe(false);
    const billing = principal({ roles: ['billing'], scope: 'user/*.cruds', breakGlass: doctor.breakGlass });
    expect(
      decideResource(billing, { type: 'Observation', permission: 'r', resource: obs('b') }, now).allowed,
    ).toBe(false);
  });

  it('patient scopes: the launch patient only, and still within the user’s reach', () => {
    const patient = principal({ roles: ['patient'], scope: 'patient/*.rs', patient: 'a' });
    expect(
      decideResource(patient, { type: 'Observation', permission: 'r', resource: obs('a') }, now).allowed,
    ).toBe(true);
    expect(
      decideResource(patient, { type: 'Observation', permission: 'r', resource: obs('b') }, now).allowed,
    ).toBe(false);
    // A clinician launching an app for a patient outside their care team gains nothing by it.
    const doctor = principal({
      roles: ['clinician'],
      scope: 'patient/*.rs',
      patient: 'b',
      careTeamPatients: new Set(['a']),
    });
    expect(
      decideResource(doctor, { type: 'Observation', permission: 'r', resource: obs('b') }, now).allowed,
    ).toBe(false);
  });

  it('a principal with no roles and no scopes is refused everything', () => {
    const nobody = principal({ scope: '' });
    expect(decideType(nobody, 'Patient', 'r').allowed).toBe(false);
    expect(
      decideResource(
        nobody,
        { type: 'Patient', permission: 'r', resource: { resourceType: 'Patient', id: 'a' } },
        now,
      ).allowed,
    ).toBe(false);
  });
});
