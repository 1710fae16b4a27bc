// Monitoring's HTTP API (services/monitoring, /monitoring/v1): a patient's latest vitals and
// NEWS2, the vitals series, alert history, acknowledgement — and its live WebSocket stream.
import type { RiskBand } from '../monitoring/risk.ts';
import type { Api } from './http.ts';

export type VitalKind =
  | 'respiratoryRate'
  | 'spo2'
  | 'systolicBp'
  | 'diastolicBp'
  | 'heartRate'
  | 'temperature'
  | 'consciousness'
  | 'airOrOxygen';

export interface Reading {
  value: number;
  time: string;
  /** ACVPU letter for consciousness; 'air' | 'oxygen' for airOrOxygen. */
  state?: string;
}

export interface News2SubScores {
  respiration: number;
  spo2: number;
  airOrOxygen: number;
  systolicBp: number;
  pulse: number;
  consciousness: number;
  temperature: number;
}

export interface News2 {
  subScores: News2SubScores;
  spo2Scale: 1 | 2;
  total: number;
  red: boolean;
  band: RiskBand;
  monitoring: { maxIntervalMinutes: number; text: string };
}

export interface AlertView {
  id: string;
  patient: string;
  rule: string;
  status: 'raised' | 'acknowledged' | 'resolved' | string;
  severity: 'warning' | 'urgent' | 'emergency' | string;
  raisedAt: string;
  escalationLevel: number;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  detail: Record<string, unknown>;
}

export interface Snapshot {
  type: 'snapshot';
  patient: string;
  vitals: Partial<Record<VitalKind, Reading>>;
  news2: News2 | null;
  alerts: AlertView[];
}

export type LiveFrame =
  | Snapshot
  | {
      type: 'vitals';
      patient: string;
      samples: Array<{ kind: VitalKind; time: string; value: number; state?: string }>;
    }
  | ({ type: 'news2'; patient: string } & (News2 | { incomplete: true; missing: string[] }))
  | { type: 'alert'; patient: string; event: { type: string }; alert: AlertView };

export interface SeriesPoint {
  kind: VitalKind;
  time: string;
  value: number;
}

const base = '/monitoring/v1';
const asJson = { headers: { accept: 'application/json' } };

export function latest(api: Api, patientId: string): Promise<Snapshot> {
  return api.json<Snapshot>(`${base}/patients/${encodeURIComponent(patientId)}/latest`, asJson);
}

export async function series(
  api: Api,
  patientId: string,
  kinds: readonly VitalKind[],
  from: Date,
  to: Date,
): Promise<SeriesPoint[]> {
  const query = new URLSearchParams({
    code: kinds.join(','),
    from: from.toISOString(),
    to: to.toISOString(),
  });
  const body = await api.json<{ points: SeriesPoint[] }>(
    `${base}/patients/${encodeURIComponent(patientId)}/series?${query}`,
    asJson,
  );
  return body.points;
}

export async function alertHistory(api: Api, patientId: string): Promise<AlertView[]> {
  const body = await api.json<{ alerts: AlertView[] }>(
    `${base}/patients/${encodeURIComponent(patientId)}/alerts`,
    asJson,
  );
  return body.alerts;
}

export function acknowledge(api: Api, alertId: string, by: string): Promise<AlertView> {
  return api.json<AlertView>(`${base}/alerts/${encodeURIComponent(alertId)}/acknowledge`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ by }),
  });
}

/** The live stream's address for one patient or one ward (a FHIR Location id). */
export function liveUrl(origin: string, target: { patient: string } | { ward: string }): string {
  const url = new URL(`${base}/live`, origin);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = new URLSearchParams(target).toString();
  return url.toString();
}
