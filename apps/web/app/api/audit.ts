// The audit service's per-patient access report (GET /audit/patients/:id/access-report): who read
// or changed a patient's record, when, how, why and from where — built from the AuditEvent trail.
import type { Api } from './http.ts';

export interface AccessLine {
  event?: string;
  recorded?: string;
  action?: string;
  interaction: string;
  outcome: 'success' | 'failure';
  service?: string;
  user?: { id?: string; name?: string; reference?: string };
  roles: string[];
  client?: string;
  address?: string;
  purposeOfUse: string[];
  resources: string[];
}

export interface AccessReport {
  patient: string;
  accesses: AccessLine[];
  next?: string;
}

export function accessReport(api: Api, patientId: string, count = 100): Promise<AccessReport> {
  return api.json<AccessReport>(
    `/audit/patients/${encodeURIComponent(patientId)}/access-report?_count=${count}`,
    { headers: { accept: 'application/json' } },
  );
}
