// A vital-sign sample as monitoring handles it after validation: one reading of one kind, at the
// time it was measured, from a device or from a FHIR Observation.
import type { Acvpu, AirOrOxygen } from './news2.ts';
import type { VitalKind } from './vital-codes.ts';

export interface VitalSample {
  /** The sending device's id (its FHIR Device id), or `fhir/Observation/<id>` for charted observations. */
  deviceId: string;
  kind: VitalKind;
  /** Measurement time (ms since epoch), as the device stamped it. */
  timeMs: number;
  /** Numeric value in the kind's canonical unit; for consciousness/airOrOxygen, 0 (see `state`). */
  value: number;
  /** ACVPU letter for consciousness, 'air' | 'oxygen' for airOrOxygen. */
  state?: Acvpu | AirOrOxygen;
}
