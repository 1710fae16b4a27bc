// The FHIR shape of an alert in records (pure): a Flag (active while open, period raised → resolved,
// code = the rule) with a DetectedIssue (severity, what was found, the acknowledgement as its
// mitigation) and one Communication per notification (raised, re-raised, escalated: priority,
// recipient = the escalation role, `about` the Flag). Ids derive from the alert's (and the
// notification event's) ids, so writing them again is harmless. Every one carries the monitoring
// origin tag.
import { createHash } from 'node:crypto';
import type { AlertView } from '../alerts/alert-engine.ts';
import { originTag } from '../charting/fhir-observations.ts';
import type { AlertEffect } from '../domain/alert-state.ts';
import { numericVitals } from '../domain/vital-codes.ts';

type Json = Record<string, unknown>;

export const alertRuleSystem = 'https://healthlane.dev/fhir/CodeSystem/monitoring-alert-rule';

/** A FHIR id from `prefix-raw` when that is one, else from its SHA-256 (ids are at most 64 characters). */
export function fhirIdFor(prefix: string, raw: string): string {
  const id = `${prefix}-${raw}`;
  if (/^[A-Za-z0-9\-.]{1,64}$/.test(id)) return id;
  return `${prefix}-${createHash('sha256')
    .update(raw)
    .digest('hex')
    .slice(0, 63 - prefix.length)}`;
}

export const flagId = (alertId: string) => fhirIdFor('alert', alertId);

function ruleCode(alert: AlertView): { code: string; display: string; text: string } {
  if (alert.rule === 'news2') {
    const total = alert.detail.total;
    const band = alert.detail.band;
    return {
      code: 'news2',
      display: 'NEWS2 threshold',
      text: typeof total === 'number' ? `NEWS2 ${total} (${String(band)} clinical risk)` : 'NEWS2 threshold',
    };
  }
  if (alert.rule.startsWith('limit:')) {
    const kind = alert.rule.slice('limit:'.length) as keyof typeof numericVitals;
    const display = numericVitals[kind]?.display ?? kind;
    return {
      code: 'vital-limit',
      display: 'Vital sign outside the patient’s limits',
      text: `${display} outside the patient’s limits`,
    };
  }
  return { code: 'device-silent', display: 'Monitoring device silent', text: 'Monitoring device silent' };
}

const detectedIssueSeverity = { emergency: 'high', urgent: 'moderate', warning: 'low' } as const;
const communicationPriority = { emergency: 'stat', urgent: 'urgent', warning: 'routine' } as const;

/** Flag and DetectedIssue for the alert as it stands now. */
export function alertResources(alert: AlertView): Json[] {
  const rule = ruleCode(alert);
  const code = {
    coding: [{ system: alertRuleSystem, code: rule.code, display: rule.display }],
    text: rule.text,
  };
  const subject = { reference: `Patient/${alert.patient}` };
  const id = flagId(alert.id);
  const severity = alert.severity as keyof typeof detectedIssueSeverity;
  const flag: Json = {
    resourceType: 'Flag',
    id,
    meta: { tag: [originTag] },
    status: alert.status === 'resolved' ? 'inactive' : 'active',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/flag-category',
            code: 'clinical',
            display: 'Clinical',
          },
        ],
      },
    ],
    code,
    subject,
    period: { start: alert.raisedAt, ...(alert.resolvedAt ? { end: alert.resolvedAt } : {}) },
  };
  const acknowledgedBy = alert.acknowledgedBy;
  const detectedIssue: Json = {
    resourceType: 'DetectedIssue',
    id,
    meta: { tag: [originTag] },
    status: 'final',
    code,
    ...(detectedIssueSeverity[severity] ? { severity: detectedIssueSeverity[severity] } : {}),
    patient: subject,
    identifiedDateTime: alert.raisedAt,
    implicated: [{ reference: `Flag/${id}` }],
    detail: rule.text,
    ...(alert.acknowledgedAt
      ? {
          mitigation: [
            {
              action: { text: 'Alert acknowledged; escalation stopped' },
              date: alert.acknowledgedAt,
              ...(acknowledgedBy
                ? {
                    author: /^Practitioner(Role)?\/[A-Za-z0-9\-.]{1,64}$/.test(acknowledgedBy)
                      ? { reference: acknowledgedBy }
                      : { display: acknowledgedBy },
                  }
                : {}),
            },
          ],
        }
      : {}),
  };
  return [flag, detectedIssue];
}

/** The Communication a notification effect stands for; undefined for effects that notify no one. */
export function notificationCommunication(
  alert: AlertView,
  effect: AlertEffect,
  eventId: string,
  sentAt: string,
): Json | undefined {
  if (effect.type !== 'raised' && effect.type !== 're-raised' && effect.type !== 'escalated')
    return undefined;
  const severity = alert.severity as keyof typeof communicationPriority;
  const what = effect.type === 'escalated' ? `escalated (level ${effect.level})` : effect.type;
  return {
    resourceType: 'Communication',
    id: fhirIdFor('alert-notice', eventId),
    meta: { tag: [originTag] },
    status: 'completed',
    category: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'alert' }] },
    ],
    ...(communicationPriority[severity] ? { priority: communicationPriority[severity] } : {}),
    subject: { reference: `Patient/${alert.patient}` },
    about: [{ reference: `Flag/${flagId(alert.id)}` }],
    sent: sentAt,
    recipient: [{ display: effect.notify }],
    payload: [
      {
        contentString: `${ruleCode(alert).text}: alert ${what} (${alert.severity}), ${effect.notify} notified`,
      },
    ],
  };
}
