// The alert engine: applies rule conditions and time to each (patient, rule) alert through the
// pure state machine, pushes the change to live subscribers at once, and persists it — the alert
// row and its bus event (monitoring.alert.<raised|reraised|escalated|acknowledged|resolved>)
// committed together through monitoring's transactional outbox. Persistence never delays the frame.
import type { Outbox } from '@healthlane/bus';
import type { Clock } from '@healthlane/kit';
import type { Database, Transaction } from '@healthlane/store';
import type { Logger } from 'pino';
import type { RuleKey, Severity } from '../domain/alert-rules.ts';
import {
  type AlertEffect,
  type AlertPolicy,
  type AlertState,
  acknowledge as acknowledgeState,
  observe,
  tick as tickState,
} from '../domain/alert-state.ts';
import type { LiveHub } from '../live/live-hub.ts';

export interface OpenAlert {
  id: string;
  patientId: string;
  rule: RuleKey;
  state: AlertState;
  detail: Record<string, unknown>;
}

export interface AlertView {
  id: string;
  patient: string;
  rule: string;
  status: string;
  severity: string;
  raisedAt: string;
  escalationLevel: number;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  resolvedAt?: string;
  detail: Record<string, unknown>;
}

export interface AlertEngineOptions {
  db: Database;
  outbox: Pick<Outbox, 'enqueue' | 'kick'>;
  clock: Clock;
  policy: AlertPolicy;
  hub: LiveHub;
  wardOf: (patientId: string) => string | undefined;
  newId: () => string;
  logger: Logger;
  onEffect?: (effect: AlertEffect['type'], severity: Severity) => void;
  /**
   * A raised or re-raised alert reached a clinician channel: `live` when its frame was written to
   * at least one live subscriber, `bus` when its event was committed to the outbox (relayed to the
   * bus at once). `seconds` counts from the arrival of the sample that raised it.
   */
  onDelivered?: (channel: DeliveryChannel, severity: Severity, seconds: number) => void;
}

export type DeliveryChannel = 'live' | 'bus';

export interface AlertEngine {
  load(): Promise<void>;
  /** A rule was evaluated for a patient: `severity` when its condition holds, undefined when clear. */
  evaluate(
    patientId: string,
    rule: RuleKey,
    severity: Severity | undefined,
    detail?: Record<string, unknown>,
    /** When the sample that led to this evaluation arrived (ms, the service clock), for delivery timing. */
    arrivalMs?: number,
  ): void;
  /** Escalates and resolves by time; call periodically. */
  tick(): void;
  acknowledge(alertId: string, by: string): Promise<AlertView | undefined>;
  /** An open (or recently resolved) alert by id. */
  find(alertId: string): AlertView | undefined;
  /** Open alerts in memory for a patient (live snapshot). */
  open(patientId: string): AlertView[];
  /** One alert as stored (committed changes only). */
  get(alertId: string): Promise<AlertView | undefined>;
  /** Alerts from storage, newest first. */
  list(patientId: string, limit: number): Promise<AlertView[]>;
  /** Resolves when every change so far is persisted. */
  settled(): Promise<void>;
}

const key = (patientId: string, rule: string) => `${patientId}\u0000${rule}`;

function view(alert: OpenAlert): AlertView {
  const s = alert.state;
  return {
    id: alert.id,
    patient: alert.patientId,
    rule: alert.rule,
    status: s.status,
    severity: s.severity,
    raisedAt: new Date(s.raisedAtMs).toISOString(),
    escalationLevel: s.escalationLevel,
    ...(s.acknowledgedAtMs === undefined
      ? {}
      : { acknowledgedAt: new Date(s.acknowledgedAtMs).toISOString() }),
    ...(s.acknowledgedBy === undefined ? {} : { acknowledgedBy: s.acknowledgedBy }),
    ...(s.resolvedAtMs === undefined ? {} : { resolvedAt: new Date(s.resolvedAtMs).toISOString() }),
    detail: alert.detail,
  };
}

export function createAlertEngine(options: AlertEngineOptions): AlertEngine {
  const { db, outbox, clock, policy, hub, logger } = options;
  /** Open alerts, and resolved ones while they still suppress a repeat. */
  const alerts = new Map<string, OpenAlert>();
  let persisting: Promise<void> = Promise.resolve();

  function apply(
    alert: OpenAlert | undefined,
    patientId: string,
    rule: RuleKey,
    next: AlertState | undefined,
    effects: AlertEffect[],
    detail: Record<string, unknown> | undefined,
    arrivalMs?: number,
  ): void {
    if (!next || effects.length === 0) return;
    const opensNew = effects.some((e) => e.type === 'raised');
    const current: OpenAlert =
      alert && !opensNew
        ? { ...alert, state: next, detail: detail ?? alert.detail }
        : { id: options.newId(), patientId, rule, state: next, detail: detail ?? {} };
    alerts.set(key(patientId, rule), current);
    // Delivery is timed only for what a sample raised (escalations and acknowledgements are not).
    const timed =
      arrivalMs !== undefined && effects.some((e) => e.type === 'raised' || e.type === 're-raised')
        ? arrivalMs
        : undefined;
    for (const effect of effects) {
      if (effect.type === 'suppressed') continue;
      options.onEffect?.(effect.type, current.state.severity);
      const delivered = hub.publish(
        { type: 'alert', patient: patientId, event: effect, alert: view(current) },
        options.wardOf(patientId),
      );
      if (delivered > 0 && timed !== undefined && (effect.type === 'raised' || effect.type === 're-raised'))
        delivery('live', current.state.severity, timed);
    }
    const persisted = effects.filter((e) => e.type !== 'suppressed');
    if (persisted.length > 0) persist(current, persisted, timed);
  }

  function delivery(channel: DeliveryChannel, severity: Severity, arrivalMs: number): void {
    options.onDelivered?.(channel, severity, Math.max(0, clock.now().getTime() - arrivalMs) / 1000);
  }

  /** Changes waiting to be written; drained in groups, one transaction per group, in order. */
  const queue: Array<{ alert: OpenAlert; effects: AlertEffect[]; arrivalMs: number | undefined }> = [];
  let draining = false;

  function persist(alert: OpenAlert, effects: AlertEffect[], arrivalMs: number | undefined): void {
    queue.push({ alert: structuredClone(alert), effects, arrivalMs });
    if (draining) return;
    draining = true;
    persisting = drain();
  }

  async function drain(): Promise<void> {
    // A mass event (a ward's devices all falling silent) becomes a few transactions, not thousands.
    while (queue.length > 0) {
      const group = queue.splice(0, 500);
      try {
        await db.transaction(async (tx) => {
          for (const { alert, effects } of group) await write(tx, alert, effects);
        });
        outbox.kick();
        for (const { alert, arrivalMs } of group)
          if (arrivalMs !== undefined) delivery('bus', alert.state.severity, arrivalMs);
      } catch {
        // One bad change must not take its group down: write them one by one.
        for (const { alert, effects, arrivalMs } of group) {
          const written = await db
            .transaction((tx) => write(tx, alert, effects))
            .then(
              () => true,
              (error: unknown) => {
                logger.error({ err: error }, 'alert change not persisted');
                return false;
              },
            );
          if (written && arrivalMs !== undefined) delivery('bus', alert.state.severity, arrivalMs);
        }
        outbox.kick();
      }
    }
    draining = false;
  }

  async function write(tx: Transaction, snapshot: OpenAlert, effects: AlertEffect[]): Promise<void> {
    const s = snapshot.state;
    await tx.query(
      `INSERT INTO monitoring.alert (id, patient_id, rule, status, severity, state, detail, raised_at,
         acknowledged_at, acknowledged_by, resolved_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, severity = excluded.severity,
         state = excluded.state, detail = excluded.detail, raised_at = excluded.raised_at,
         acknowledged_at = excluded.acknowledged_at, acknowledged_by = excluded.acknowledged_by,
         resolved_at = excluded.resolved_at, updated_at = excluded.updated_at`,
      [
        snapshot.id,
        snapshot.patientId,
        snapshot.rule,
        s.status,
        s.severity,
        JSON.stringify(s),
        JSON.stringify(snapshot.detail),
        new Date(s.raisedAtMs),
        s.acknowledgedAtMs === undefined ? null : new Date(s.acknowledgedAtMs),
        s.acknowledgedBy ?? null,
        s.resolvedAtMs === undefined ? null : new Date(s.resolvedAtMs),
        clock.now(),
      ],
    );
    for (const effect of effects) {
      const subject = `monitoring.alert.${effect.type === 're-raised' ? 'reraised' : effect.type}`;
      await outbox.enqueue(tx, subject, { alert: view(snapshot), event: effect });
    }
  }

  return {
    async load() {
      const { rows } = await db.query<{
        id: string;
        patient_id: string;
        rule: RuleKey;
        state: AlertState;
        detail: Record<string, unknown>;
      }>("SELECT id, patient_id, rule, state, detail FROM monitoring.alert WHERE status <> 'resolved'");
      for (const row of rows) {
        alerts.set(key(row.patient_id, row.rule), {
          id: row.id,
          patientId: row.patient_id,
          rule: row.rule,
          state: row.state,
          detail: row.detail,
        });
      }
    },
    evaluate(patientId, rule, severity, detail, arrivalMs) {
      const alert = alerts.get(key(patientId, rule));
      if (!alert && severity === undefined) return;
      const step = observe(alert?.state, severity, clock.now().getTime(), policy);
      if (step.state !== alert?.state && step.effects.length === 0 && alert && step.state) {
        alerts.set(key(patientId, rule), { ...alert, state: step.state }); // clear-run bookkeeping only
        return;
      }
      apply(
        alert,
        patientId,
        rule,
        step.state,
        step.effects,
        severity === undefined ? undefined : detail,
        arrivalMs,
      );
    },
    tick() {
      const nowMs = clock.now().getTime();
      for (const [k, alert] of alerts) {
        if (alert.state.status === 'resolved') {
          if (nowMs - (alert.state.resolvedAtMs ?? nowMs) >= policy.suppressAfterResolveMs) alerts.delete(k);
          continue;
        }
        const step = tickState(alert.state, nowMs, policy);
        apply(alert, alert.patientId, alert.rule, step.state, step.effects, undefined);
      }
    },
    async acknowledge(alertId, by) {
      for (const alert of alerts.values()) {
        if (alert.id !== alertId) continue;
        const step = acknowledgeState(alert.state, by, clock.now().getTime());
        apply(alert, alert.patientId, alert.rule, step.state, step.effects, undefined);
        await persisting;
        return view(alerts.get(key(alert.patientId, alert.rule)) ?? alert);
      }
      return undefined;
    },
    find(alertId) {
      for (const alert of alerts.values()) if (alert.id === alertId) return view(alert);
      return undefined;
    },
    open(patientId) {
      return [...alerts.values()]
        .filter((a) => a.patientId === patientId && a.state.status !== 'resolved')
        .map(view);
    },
    async get(alertId) {
      const { rows } = await db.query<{
        id: string;
        patient_id: string;
        rule: RuleKey;
        state: AlertState;
        detail: Record<string, unknown>;
      }>('SELECT id, patient_id, rule, state, detail FROM monitoring.alert WHERE id = $1', [alertId]);
      const row = rows[0];
      return row
        ? view({
            id: row.id,
            patientId: row.patient_id,
            rule: row.rule,
            state: row.state,
            detail: row.detail,
          })
        : undefined;
    },
    async list(patientId, limit) {
      await persisting;
      const { rows } = await db.query<{
        id: string;
        patient_id: string;
        rule: RuleKey;
        state: AlertState;
        detail: Record<string, unknown>;
      }>(
        'SELECT id, patient_id, rule, state, detail FROM monitoring.alert WHERE patient_id = $1 ORDER BY raised_at DESC LIMIT $2',
        [patientId, limit],
      );
      return rows.map((row) =>
        view({ id: row.id, patientId: row.patient_id, rule: row.rule, state: row.state, detail: row.detail }),
      );
    },
    settled: () => persisting,
  };
}
