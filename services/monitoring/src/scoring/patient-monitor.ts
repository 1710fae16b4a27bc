// The hot path after validation: each arriving sample updates its patient's latest-value window;
// NEWS2 is recomputed when the window changed, limit and NEWS2 rules are evaluated, frames go to
// live subscribers, and what must reach records (charted vitals, changed NEWS2) is marked for the
// charting worker — which this path never waits for.
import type { Clock } from '@healthlane/kit';
import type { AlertEngine } from '../alerts/alert-engine.ts';
import { limitSeverity, news2Severity, silenceSeverity } from '../domain/alert-rules.ts';
import { type News2Result, scoreNews2 } from '../domain/news2.ts';
import {
  applySample,
  type LatestReading,
  type LatestReadings,
  news2Inputs,
  type WindowPolicy,
} from '../domain/patient-window.ts';
import type { VitalKind } from '../domain/vital-codes.ts';
import type { VitalSample } from '../domain/vital-sample.ts';
import type { LiveHub } from '../live/live-hub.ts';
import type { PatientSettingsStore } from '../patients/patient-settings.ts';

export interface PatientState {
  readings: LatestReadings;
  news2: News2Result | undefined;
  news2AtMs: number | undefined;
  /** Latest reading per kind not yet charted to records. */
  unchartedVitals: Map<VitalKind, LatestReading>;
  /** NEWS2 changed (score or band) since last recorded. */
  news2Changed: boolean;
}

export interface PatientMonitorOptions {
  clock: Clock;
  window: WindowPolicy;
  alerts: AlertEngine;
  hub: LiveHub;
  settings: PatientSettingsStore;
  wardOf: (patientId: string) => string | undefined;
  silentAfterMs: number;
  onNews2?: (result: News2Result) => void;
}

export interface PatientMonitor {
  /**
   * Samples of one device for `patientId`; `chart` false for samples that came from records itself.
   * `arrivalMs`: when they arrived (the service clock; now by default), from which alert delivery is timed.
   */
  process(
    patientId: string,
    deviceId: string | undefined,
    samples: readonly VitalSample[],
    chart: boolean,
    arrivalMs?: number,
  ): void;
  /** Devices that fell silent: evaluated by the periodic tick. */
  tick(): void;
  state(patientId: string): PatientState | undefined;
  patients(): IterableIterator<[string, PatientState]>;
  /** The patient no longer wears the device: its silence is no longer a concern. */
  forgetDevice(deviceId: string): void;
}

export function createPatientMonitor(options: PatientMonitorOptions): PatientMonitor {
  const { clock, alerts, hub } = options;
  const patients = new Map<string, PatientState>();
  /**
   * deviceId → patient and last arrival (receive clock), for the silence rule; `silent` while the
   * tick has found it silent, so that an arrival clears the rule only then (not on every batch).
   */
  const devices = new Map<string, { patientId: string; lastArrivalMs: number; silent: boolean }>();

  function stateOf(patientId: string): PatientState {
    let state = patients.get(patientId);
    if (!state) {
      state = {
        readings: {},
        news2: undefined,
        news2AtMs: undefined,
        unchartedVitals: new Map(),
        news2Changed: false,
      };
      patients.set(patientId, state);
    }
    return state;
  }

  return {
    process(patientId, deviceId, samples, chart, arrivalMs) {
      const nowMs = clock.now().getTime();
      const arrived = arrivalMs ?? nowMs;
      const state = stateOf(patientId);
      const ward = options.wardOf(patientId);
      if (deviceId !== undefined) {
        const known = devices.get(deviceId);
        if (known === undefined) {
          // First sight (also after a restart, with a silence alert reloaded as open): clear it.
          devices.set(deviceId, { patientId, lastArrivalMs: nowMs, silent: false });
          alerts.evaluate(patientId, `silent:${deviceId}`, undefined);
        } else {
          if (known.silent) alerts.evaluate(known.patientId, `silent:${deviceId}`, undefined);
          known.patientId = patientId;
          known.lastArrivalMs = nowMs;
          known.silent = false;
        }
      }
      let changed = false;
      const limits = options.settings.get(patientId)?.limits;
      for (const sample of samples) {
        if (!applySample(state.readings, sample)) continue;
        changed = true;
        const reading = state.readings[sample.kind] as LatestReading;
        if (chart) state.unchartedVitals.set(sample.kind, reading);
        const limit = limits?.[sample.kind];
        if (limit)
          alerts.evaluate(
            patientId,
            `limit:${sample.kind}`,
            limitSeverity(sample.value, limit),
            { kind: sample.kind },
            arrived,
          );
      }
      if (hub.hasSubscribers(patientId, ward)) {
        hub.publish(
          {
            type: 'vitals',
            patient: patientId,
            samples: samples.map((s) => ({
              kind: s.kind,
              time: new Date(s.timeMs).toISOString(),
              value: s.value,
              ...(s.state === undefined ? {} : { state: s.state }),
            })),
          },
          ward,
        );
      }
      if (!changed) return;
      const spo2Scale = options.settings.get(patientId)?.spo2Scale ?? 1;
      const inputs = news2Inputs(state.readings, spo2Scale, nowMs, options.window);
      const result = inputs.complete ? scoreNews2(inputs.input) : undefined;
      const previous = state.news2;
      const differs = result?.total !== previous?.total || result?.band !== previous?.band;
      state.news2 = result;
      if (result) state.news2AtMs = nowMs;
      if (differs) {
        if (result) {
          state.news2Changed = true;
          options.onNews2?.(result);
        }
        hub.publish(
          inputs.complete
            ? { type: 'news2', patient: patientId, ...result }
            : { type: 'news2', patient: patientId, incomplete: true, missing: inputs.missing },
          ward,
        );
      }
      alerts.evaluate(
        patientId,
        'news2',
        news2Severity(result),
        result ? { total: result.total, band: result.band } : undefined,
        arrived,
      );
    },
    tick() {
      const nowMs = clock.now().getTime();
      for (const [deviceId, device] of devices) {
        const severity = silenceSeverity(device.lastArrivalMs, nowMs, options.silentAfterMs);
        if (severity) {
          device.silent = true;
          alerts.evaluate(device.patientId, `silent:${deviceId}`, severity, { device: deviceId });
        }
      }
    },
    state: (patientId) => patients.get(patientId),
    patients: () => patients.entries(),
    forgetDevice(deviceId) {
      const device = devices.get(deviceId);
      if (!device) return;
      devices.delete(deviceId);
      alerts.evaluate(device.patientId, `silent:${deviceId}`, undefined);
    },
  };
}
