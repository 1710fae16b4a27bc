// The device payload (same over HTTP, WebSocket and MQTT) and its validation: every sample is
// accepted or refused with a reason naming the field, never the value; nothing a device sends
// throws. Documented in the service README.
//
//   { "device": "<FHIR Device id>",            (over MQTT the topic names the device instead)
//     "samples": [ { "code": "8867-4", "system": "http://loinc.org", "time": "2026-12-01T10:00:00Z", "value": 72 },
//                  { "code": "1104441000000107", "time": "...", "value": "A" },          ACVPU letter or SNOMED answer
//                  { "code": "371825009", "time": "..." },                               on oxygen (722742002: room air)
//                  { "code": "3151-8", "time": "...", "value": 2 } ] }                   O2 flow L/min, 0 = air
import type { Acvpu, AirOrOxygen } from './news2.ts';
import { acvpuBySnomed, numericVitals, onOxygenCode, roomAirCode, vitalKindOf } from './vital-codes.ts';
import type { VitalSample } from './vital-sample.ts';

export interface RefusedSample {
  index: number;
  reason: string;
}

export interface ParsedBatch {
  deviceId: string;
  samples: VitalSample[];
  refused: RefusedSample[];
}

export interface SampleTimeWindow {
  /** Oldest accepted measurement time (ms): older samples fall outside the stored raw window. */
  earliestMs: number;
  /** Newest accepted measurement time (ms): device clocks may run a little ahead, not more. */
  latestMs: number;
}

export const maxSamplesPerBatch = 10_000;
const deviceIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;
// RFC 3339 instant with a zone, as FHIR `instant`.
const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const acvpuLetters = new Set(['A', 'C', 'V', 'P', 'U']);

export type BatchResult = { ok: true; batch: ParsedBatch } | { ok: false; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates one device batch; `deviceFromTopic` is the device the transport already identified (MQTT). */
export function parseBatch(body: unknown, window: SampleTimeWindow, deviceFromTopic?: string): BatchResult {
  if (!isRecord(body)) return { ok: false, reason: 'the payload must be a JSON object with "samples"' };
  const device = deviceFromTopic ?? body.device;
  if (typeof device !== 'string' || !deviceIdPattern.test(device)) {
    return { ok: false, reason: '"device" must be a FHIR id (1–64 of A–Z a–z 0–9 - .)' };
  }
  if (deviceFromTopic !== undefined && body.device !== undefined && body.device !== deviceFromTopic) {
    return { ok: false, reason: '"device" differs from the device named by the topic' };
  }
  const list = body.samples;
  if (!Array.isArray(list)) return { ok: false, reason: '"samples" must be an array' };
  if (list.length > maxSamplesPerBatch) {
    return { ok: false, reason: `"samples" holds more than ${maxSamplesPerBatch} samples` };
  }
  const samples: VitalSample[] = [];
  const refused: RefusedSample[] = [];
  // A device's batch usually stamps every sample with one time: check and parse it once.
  const times: TimeMemo = { text: undefined, ms: Number.NaN };
  for (let index = 0; index < list.length; index += 1) {
    const parsed = parseSample(list[index] as unknown, device, window, times);
    if (typeof parsed === 'string') refused.push({ index, reason: parsed });
    else samples.push(parsed);
  }
  return { ok: true, batch: { deviceId: device, samples, refused } };
}

/** The last valid `time` text seen in a batch and its instant. */
interface TimeMemo {
  text: string | undefined;
  ms: number;
}

/** One sample, or the reason it is refused. */
export function parseSample(
  item: unknown,
  deviceId: string,
  window: SampleTimeWindow,
  times: TimeMemo = { text: undefined, ms: Number.NaN },
): VitalSample | string {
  if (!isRecord(item)) return 'a sample must be a JSON object';
  const { code, system, time, value } = item;
  if (typeof code !== 'string') return '"code" must be a string';
  if (system !== undefined && typeof system !== 'string') return '"system" must be a string';
  const kind = vitalKindOf(code, system);
  if (kind === undefined) return '"code" is not a supported vital sign (see the payload documentation)';
  let timeMs: number;
  if (typeof time === 'string' && time === times.text) timeMs = times.ms;
  else {
    if (typeof time !== 'string' || !instantPattern.test(time)) {
      return '"time" must be an instant with a time zone (e.g. 2026-12-01T10:00:00Z)';
    }
    timeMs = Date.parse(time);
    if (Number.isNaN(timeMs)) return '"time" is not a valid date';
    times.text = time;
    times.ms = timeMs;
  }
  if (timeMs < window.earliestMs) return '"time" is older than the accepted lateness';
  if (timeMs > window.latestMs) return '"time" is in the future beyond the allowed clock skew';
  if (kind === 'consciousness') {
    const letter = typeof value === 'string' ? (acvpuBySnomed[value] ?? value) : undefined;
    if (letter === undefined || !acvpuLetters.has(letter)) {
      return '"value" for consciousness must be A, C, V, P or U (or its SNOMED CT answer code)';
    }
    return { deviceId, kind, timeMs, value: 0, state: letter as Acvpu };
  }
  if (kind === 'airOrOxygen') {
    const state = airOrOxygen(code, value);
    if (state === undefined) {
      return '"value" for air/oxygen must be "air", "oxygen", a flow in L/min (3151-8), or absent for 722742002/371825009';
    }
    return { deviceId, kind, timeMs, value: 0, state };
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return '"value" must be a finite number';
  const vital = numericVitals[kind];
  if (value < vital.plausible.min || value > vital.plausible.max) {
    return `"value" is outside the plausible range ${vital.plausible.min}–${vital.plausible.max} ${vital.unit}`;
  }
  return { deviceId, kind, timeMs, value };
}

function airOrOxygen(code: string, value: unknown): AirOrOxygen | undefined {
  if (code === roomAirCode) return value === undefined || value === true ? 'air' : undefined;
  if (code === onOxygenCode) return value === undefined || value === true ? 'oxygen' : undefined;
  if (value === 'air' || value === 'oxygen') return value;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 80) {
    return value > 0 ? 'oxygen' : 'air';
  }
  return undefined;
}
