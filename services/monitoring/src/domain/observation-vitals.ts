// FHIR vital-signs Observations (written to records by anyone: a nurse's app, an interface) → the
// samples NEWS2 needs. Accepts LOINC and SNOMED CT codings, the BP panel's systolic component, ACVPU
// and air/oxygen observations as in the UK NEWS2 examples. Anything else yields no samples.
import {
  acvpuBySnomed,
  isBloodPressurePanel,
  numericVitals,
  onOxygenCode,
  roomAirCode,
  type VitalKind,
  vitalKindOf,
} from './vital-codes.ts';
import type { VitalSample } from './vital-sample.ts';

type Json = Record<string, unknown>;
type Coding = { system?: string; code?: string };

function codings(concept: unknown): Coding[] {
  const list = (concept as { coding?: unknown } | undefined)?.coding;
  return Array.isArray(list) ? (list as Coding[]) : [];
}

function kindOf(concept: unknown): VitalKind | undefined {
  for (const coding of codings(concept)) {
    if (typeof coding.code !== 'string') continue;
    const kind = vitalKindOf(coding.code, coding.system);
    if (kind) return kind;
  }
  return undefined;
}

function effectiveMs(observation: Json): number | undefined {
  const when =
    observation.effectiveDateTime ??
    observation.effectiveInstant ??
    (observation.effectivePeriod as Json | undefined)?.end ??
    (observation.effectivePeriod as Json | undefined)?.start ??
    observation.issued;
  if (typeof when !== 'string') return undefined;
  const ms = Date.parse(when);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Numeric value in the kind's canonical unit (°F converted for temperature); undefined if unusable. */
function numeric(kind: VitalKind, quantity: unknown): number | undefined {
  const q = quantity as { value?: unknown; code?: unknown; unit?: unknown } | undefined;
  if (typeof q?.value !== 'number' || !Number.isFinite(q.value)) return undefined;
  let value = q.value;
  if (kind === 'temperature' && (q.code === '[degF]' || q.unit === '°F' || q.unit === 'degF'))
    value = ((value - 32) * 5) / 9;
  const vital = numericVitals[kind as keyof typeof numericVitals];
  if (!vital || value < vital.plausible.min || value > vital.plausible.max) return undefined;
  return value;
}

export function vitalsFromObservation(observation: Json, sourceId: string): VitalSample[] {
  if (
    observation.status !== 'final' &&
    observation.status !== 'amended' &&
    observation.status !== 'corrected'
  )
    return [];
  const timeMs = effectiveMs(observation);
  if (timeMs === undefined) return [];
  const samples: VitalSample[] = [];
  const panel = codings(observation.code).some(
    (c) => typeof c.code === 'string' && isBloodPressurePanel(c.code, c.system),
  );
  if (panel) {
    for (const component of (Array.isArray(observation.component) ? observation.component : []) as Json[]) {
      const kind = kindOf(component.code);
      if (kind !== 'systolicBp' && kind !== 'diastolicBp') continue;
      const value = numeric(kind, component.valueQuantity);
      if (value !== undefined) samples.push({ deviceId: sourceId, kind, timeMs, value });
    }
    return samples;
  }
  const kind = kindOf(observation.code);
  if (!kind) return [];
  if (kind === 'consciousness') {
    const answer = codings(observation.valueCodeableConcept)
      .map((c) => (c.code ? acvpuBySnomed[c.code] : undefined))
      .find(Boolean);
    return answer ? [{ deviceId: sourceId, kind, timeMs, value: 0, state: answer }] : [];
  }
  if (kind === 'airOrOxygen') {
    const code = codings(observation.code).find(
      (c) => c.code === roomAirCode || c.code === onOxygenCode,
    )?.code;
    if (code === undefined) {
      const q = observation.valueQuantity as { value?: unknown } | undefined; // 3151-8: O2 flow, L/min
      if (typeof q?.value !== 'number' || !Number.isFinite(q.value) || q.value < 0) return [];
      return [{ deviceId: sourceId, kind, timeMs, value: 0, state: q.value > 0 ? 'oxygen' : 'air' }];
    }
    if (observation.valueBoolean === false) return [];
    return [{ deviceId: sourceId, kind, timeMs, value: 0, state: code === onOxygenCode ? 'oxygen' : 'air' }];
  }
  const value = numeric(kind, observation.valueQuantity);
  return value === undefined ? [] : [{ deviceId: sourceId, kind, timeMs, value }];
}

/** The patient an Observation is about (`subject: Patient/<id>`). */
export function observationPatient(observation: Json): string | undefined {
  const ref = (observation.subject as { reference?: unknown } | undefined)?.reference;
  if (typeof ref !== 'string') return undefined;
  return /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref)?.[1];
}
