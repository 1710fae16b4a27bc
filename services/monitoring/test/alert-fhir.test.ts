// The alert's FHIR shape on its own: ids, codes, severity and priority per rule, the acknowledgement
// as the DetectedIssue's mitigation, a Communication only for effects that notify someone.
import { describe, expect, it } from 'vitest';
import type { AlertView } from '../src/alerts/alert-engine.ts';
import { alertResources, fhirIdFor, notificationCommunication } from '../src/export/alert-fhir.ts';

const base: AlertView = {
  id: '2f0c8f8e-5f7e-4c56-9d1a-0c6a3b1d2e4f',
  patient: 'p1',
  rule: 'limit:heartRate',
  status: 'acknowledged',
  severity: 'urgent',
  raisedAt: '2026-12-01T10:00:00.000Z',
  escalationLevel: 0,
  acknowledgedAt: '2026-12-01T10:01:00.000Z',
  acknowledgedBy: 'nurse-user-7',
  detail: { kind: 'heartRate' },
};

describe('alert FHIR shape', () => {
  it('a limit alert: active Flag, moderate DetectedIssue, the acknowledger as the mitigation’s author', () => {
    const [flag, issue] = alertResources(base);
    expect(flag).toMatchObject({
      resourceType: 'Flag',
      id: `alert-${base.id}`,
      status: 'active',
      code: { coding: [{ code: 'vital-limit' }], text: 'Heart rate outside the patient’s limits' },
      period: { start: base.raisedAt },
    });
    expect(flag?.period).toEqual({ start: base.raisedAt });
    expect(issue).toMatchObject({
      resourceType: 'DetectedIssue',
      severity: 'moderate',
      mitigation: [{ date: base.acknowledgedAt, author: { display: 'nurse-user-7' } }],
    });
  });

  it('a resolved device-silence warning: inactive Flag with an end, low severity, no mitigation', () => {
    const [flag, issue] = alertResources({
      ...base,
      rule: 'silent:bed-9',
      severity: 'warning',
      status: 'resolved',
      resolvedAt: '2026-12-01T11:00:00.000Z',
      acknowledgedAt: undefined,
      acknowledgedBy: undefined,
    } as AlertView);
    expect(flag).toMatchObject({ status: 'inactive', period: { end: '2026-12-01T11:00:00.000Z' } });
    expect(flag?.code).toMatchObject({ coding: [{ code: 'device-silent' }] });
    expect(issue).toMatchObject({ severity: 'low' });
    expect(issue?.mitigation).toBeUndefined();
  });

  it('one Communication per notification, none for acknowledgement or resolution', () => {
    const raised = notificationCommunication(
      { ...base, rule: 'news2', severity: 'emergency', detail: { total: 8, band: 'high' } },
      { type: 'raised', severity: 'emergency', notify: 'nurse' },
      'monitoring-42',
      '2026-12-01T10:00:00.100Z',
    );
    expect(raised).toMatchObject({
      id: 'alert-notice-monitoring-42',
      priority: 'stat',
      recipient: [{ display: 'nurse' }],
      about: [{ reference: `Flag/alert-${base.id}` }],
      sent: '2026-12-01T10:00:00.100Z',
    });
    expect(JSON.stringify(raised?.payload)).toContain('NEWS2 8');
    expect(
      notificationCommunication(
        base,
        { type: 'escalated', level: 2, notify: 'rapid-response-team' },
        'e',
        't',
      ),
    ).toMatchObject({ priority: 'urgent', recipient: [{ display: 'rapid-response-team' }] });
    expect(notificationCommunication(base, { type: 'acknowledged', by: 'x' }, 'e', 't')).toBeUndefined();
    expect(notificationCommunication(base, { type: 'resolved' }, 'e', 't')).toBeUndefined();
  });

  it('ids are FHIR ids, hashed when the source is not one or too long', () => {
    expect(fhirIdFor('alert', 'a-1')).toBe('alert-a-1');
    for (const raw of ['x'.repeat(80), 'has spaces/and:colons']) {
      const id = fhirIdFor('alert-notice', raw);
      expect(id).toMatch(/^alert-notice-[0-9a-f]+$/);
      expect(id.length).toBeLessThanOrEqual(64);
      expect(fhirIdFor('alert-notice', raw)).toBe(id);
    }
  });
});
