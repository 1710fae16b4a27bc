// The console's picture of monitored patients, built from the live stream's frames: latest
// readings, a rolling history per vital for charts and sparklines, NEWS2 and alerts. Pure: each
// frame returns a new state, so screens re-render from it and tests replay frames exactly.
import type { AlertView, LiveFrame, News2, Reading, VitalKind } from '../api/monitoring.ts';

export interface HistoryPoint {
  /** Milliseconds since epoch. */
  t: number;
  v: number;
}

export interface PatientLiveState {
  patient: string;
  vitals: Partial<Record<VitalKind, Reading>>;
  history: Partial<Record<VitalKind, HistoryPoint[]>>;
  news2?: News2;
  /** NEWS2 cannot be scored: these inputs are missing. */
  news2Missing?: string[];
  alerts: Record<string, AlertView>;
}

export type LiveState = Record<string, PatientLiveState>;

export interface LiveOptions {
  /** History kept per vital, by measurement time. */
  windowMs: number;
}

function empty(patient: string): PatientLiveState {
  return { patient, vitals: {}, history: {}, alerts: {} };
}

function appendHistory(
  history: PatientLiveState['history'],
  kind: VitalKind,
  point: HistoryPoint,
  windowMs: number,
): PatientLiveState['history'] {
  const current = history[kind] ?? [];
  const last = current[current.length - 1];
  // Frames arrive in order for a device; an out-of-order point is placed, a duplicate replaced.
  let next: HistoryPoint[];
  if (!last || point.t > last.t) next = [...current, point];
  else next = [...current.filter((existing) => existing.t !== point.t), point].sort((a, b) => a.t - b.t);
  const newest = next[next.length - 1]!.t;
  return { ...history, [kind]: next.filter((existing) => existing.t >= newest - windowMs) };
}

export function applyFrame(state: LiveState, frame: LiveFrame, options: LiveOptions): LiveState {
  const previous = state[frame.patient] ?? empty(frame.patient);
  let next: PatientLiveState;
  switch (frame.type) {
    case 'snapshot': {
      let history = previous.history;
      for (const [kind, reading] of Object.entries(frame.vitals) as Array<[VitalKind, Reading]>) {
        history = appendHistory(
          history,
          kind,
          { t: Date.parse(reading.time), v: reading.value },
          options.windowMs,
        );
      }
      next = {
        ...previous,
        vitals: { ...previous.vitals, ...frame.vitals },
        history,
        news2: frame.news2 ?? undefined,
        news2Missing: undefined,
        alerts: Object.fromEntries(frame.alerts.map((alert) => [alert.id, alert])),
      };
      break;
    }
    case 'vitals': {
      const vitals = { ...previous.vitals };
      let history = previous.history;
      for (const sample of frame.samples) {
        const time = Date.parse(sample.time);
        const known = vitals[sample.kind];
        if (!known || Date.parse(known.time) <= time) {
          vitals[sample.kind] = {
            value: sample.value,
            time: sample.time,
            ...(sample.state ? { state: sample.state } : {}),
          };
        }
        history = appendHistory(history, sample.kind, { t: time, v: sample.value }, options.windowMs);
      }
      next = { ...previous, vitals, history };
      break;
    }
    case 'news2': {
      if ('incomplete' in frame) next = { ...previous, news2: undefined, news2Missing: frame.missing };
      else {
        const { type: _type, patient: _patient, ...news2 } = frame;
        next = { ...previous, news2: news2 as News2, news2Missing: undefined };
      }
      break;
    }
    case 'alert':
      next = { ...previous, alerts: { ...previous.alerts, [frame.alert.id]: frame.alert } };
      break;
    default:
      return state;
  }
  return { ...state, [frame.patient]: next };
}

/** Open alerts first (emergency, urgent, warning), then the rest, newest first within each. */
export function alertsInOrder(alerts: Iterable<AlertView>): AlertView[] {
  const severity: Record<string, number> = { emergency: 0, urgent: 1, warning: 2 };
  const open = (alert: AlertView) =>
    alert.status === 'raised' ? 0 : alert.status === 'acknowledged' ? 1 : 2;
  return [...alerts].sort(
    (a, b) =>
      open(a) - open(b) ||
      (severity[a.severity] ?? 3) - (severity[b.severity] ?? 3) ||
      Date.parse(b.raisedAt) - Date.parse(a.raisedAt),
  );
}

/** The copy that says more recent things wins: an older copy never undoes an acknowledgement. */
export function isNewerAlert(candidate: AlertView, known: AlertView): boolean {
  const latest = (alert: AlertView) =>
    Math.max(
      ...[alert.raisedAt, alert.acknowledgedAt, alert.resolvedAt].map((time) =>
        time ? Date.parse(time) : 0,
      ),
    );
  const rank = (alert: AlertView) =>
    alert.status === 'resolved' ? 2 : alert.status === 'acknowledged' ? 1 : 0;
  return (
    latest(candidate) > latest(known) ||
    (latest(candidate) === latest(known) && rank(candidate) >= rank(known))
  );
}

/** Every copy of every alert, merged: one per id, the newest copy of each. */
export function mergeAlerts(...sources: Array<Iterable<AlertView>>): AlertView[] {
  const merged = new Map<string, AlertView>();
  for (const source of sources) {
    for (const alert of source) {
      const known = merged.get(alert.id);
      if (!known || isNewerAlert(alert, known)) merged.set(alert.id, alert);
    }
  }
  return alertsInOrder(merged.values());
}
