// Who may read the audit trail: privacy officers (role and scope), clients with system AuditEvent
// scopes, a patient for their own access report only — and nobody else, whatever else they hold.
import { principalFromClaims } from '@healthlane/access';
import { describe, expect, it } from 'vitest';
import { type AuditAccessRequest, mayReadAudit } from '../src/index.ts';

const user = (roles: string[], scope: string, extra: Record<string, unknown> = {}) =>
  principalFromClaims({ sub: 'u1', client_id: 'app', roles, scope, ...extra });
const system = (scope: string) =>
  principalFromClaims({ sub: 'svc', client_id: 'svc', scope, hl_kind: 'system' });

const search: AuditAccessRequest = { kind: 'search' };
const read: AuditAccessRequest = { kind: 'read' };
const ownReport: AuditAccessRequest = { kind: 'access-report', patient: 'Patient/p1' };
const otherReport: AuditAccessRequest = { kind: 'access-report', patient: 'Patient/p2' };

describe('mayReadAudit', () => {
  it('allows a privacy officer whose token carries AuditEvent scopes', () => {
    const officer = user(['privacy-officer'], 'user/AuditEvent.rs');
    expect([search, read, ownReport, otherReport].map((access) => mayReadAudit(officer, access))).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('refuses a privacy officer whose token lacks the AuditEvent scope (scopes never widen, nor are skipped)', () => {
    expect(mayReadAudit(user(['privacy-officer'], 'user/Patient.rs'), search)).toBe(false);
    expect(mayReadAudit(user(['privacy-officer'], 'user/AuditEvent.r'), search)).toBe(false);
  });

  it('refuses clinicians, nurses, admins and integration users even with user/*.cruds', () => {
    for (const role of ['clinician', 'nurse', 'admin', 'integration', 'billing']) {
      expect(mayReadAudit(user([role], 'user/*.cruds'), search), role).toBe(false);
    }
  });

  it('allows a backend client with system/AuditEvent scopes, and only those permissions', () => {
    expect(mayReadAudit(system('system/AuditEvent.rs'), search)).toBe(true);
    expect(mayReadAudit(system('system/AuditEvent.r'), read)).toBe(true);
    expect(mayReadAudit(system('system/AuditEvent.r'), search)).toBe(false);
    expect(mayReadAudit(system('system/Observation.rs'), search)).toBe(false);
  });

  it('lets a patient read the access report of their own record, nothing else', () => {
    const patient = user(['patient'], 'patient/AuditEvent.rs patient/*.rs', { patient: 'p1' });
    expect(mayReadAudit(patient, ownReport)).toBe(true);
    expect(mayReadAudit(patient, otherReport)).toBe(false);
    expect(mayReadAudit(patient, search)).toBe(false);
    expect(mayReadAudit(user(['patient'], 'patient/Observation.rs', { patient: 'p1' }), ownReport)).toBe(
      false,
    );
  });
});
