// A patient's latest-value window: per vital kind the reading with the latest *measurement* time
// (late or out-of-order samples never replace a newer one), and the NEWS2 input built from it.
import type { News2Input, Spo2Scale } from './news2.ts';
import type { VitalKind } from './vital-codes.ts';
import type { VitalSample } from './vital-sample.ts';

export interface LatestReading {
  value: number;
  state?: VitalSample['state'];
  timeMs: number;
}

export type LatestReadings = Partial<Record<VitalKind, LatestReading>>;

export interface WindowPolicy {
  /** Device-measured vitals older than this (by measurement time) are too stale to score. */
  vitalMaxAgeMs: number;
  /** Consciousness and air/oxygen are observed by people, less often: their own freshness. */
  observationMaxAgeMs: number;
}

/** Applies one sample; returns true when it became the latest reading of its kind. */
export function applySample(readings: LatestReadings, sample: VitalSample): boolean {
  const current = readings[sample.kind];
  if (current && current.timeMs >= sample.timeMs) return false;
  readings[sample.kind] =
    sample.state === undefined
      ? { value: sample.value, timeMs: sample.timeMs }
      : { value: sample.value, state: sample.state, timeMs: sample.timeMs };
  return true;
}

export type News2Inputs = { complete: true; input: News2Input } | { complete: false; missing: VitalKind[] };

const scoredVitals: readonly VitalKind[] = [
  'respiratoryRate',
  'spo2',
  'systolicBp',
  'heartRate',
  'temperature',
];

/** The NEWS2 input from the fresh readings at `nowMs`, or which parameters are missing or stale. */
export function news2Inputs(
  readings: LatestReadings,
  spo2Scale: Spo2Scale,
  nowMs: number,
  policy: WindowPolicy,
): News2Inputs {
  const fresh = (kind: VitalKind, maxAgeMs: number): LatestReading | undefined => {
    const reading = readings[kind];
    return reading && nowMs - reading.timeMs <= maxAgeMs ? reading : undefined;
  };
  const missing: VitalKind[] = [];
  const vitals = new Map<VitalKind, number>();
  for (const kind of scoredVitals) {
    const reading = fresh(kind, policy.vitalMaxAgeMs);
    if (reading) vitals.set(kind, reading.value);
    else missing.push(kind);
  }
  const consciousness = fresh('consciousness', policy.observationMaxAgeMs);
  if (!consciousness) missing.push('consciousness');
  const oxygen = fresh('airOrOxygen', policy.observationMaxAgeMs);
  if (!oxygen) missing.push('airOrOxygen');
  if (missing.length > 0 || !consciousness || !oxygen) return { complete: false, missing };
  return {
    complete: true,
    input: {
      respiratoryRate: vitals.get('respiratoryRate') as number,
      spo2: vitals.get('spo2') as number,
      spo2Scale,
      airOrOxygen: oxygen.state === 'oxygen' ? 'oxygen' : 'air',
      systolicBp: vitals.get('systolicBp') as number,
      pulse: vitals.get('heartRate') as number,
      consciousness: (consciousness.state ?? 'A') as News2Input['consciousness'],
      temperature: vitals.get('temperature') as number,
    },
  };
}
