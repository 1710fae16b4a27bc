// FHIR R4 shapes monitoring writes to records: vital-signs profile Observations for charted vitals
// and the NEWS2 Observation (SNOMED CT 1104051000000101) with its sub-scores as components, coded
// as in the UK NEWS2 FHIR examples. Every one carries the monitoring origin tag, by which the
// Observation consumer recognises (and ignores) what monitoring wrote itself.
import type { News2Result } from '../domain/news2.ts';
import type { LatestReading } from '../domain/patient-window.ts';
import {
  loinc,
  news2Codes,
  numericVitals,
  onOxygenCode,
  roomAirCode,
  snomed,
  snomedByAcvpu,
  ucum,
  type VitalKind,
} from '../domain/vital-codes.ts';

export const originTag = {
  system: 'https://healthlane.dev/fhir/CodeSystem/origin',
  code: 'monitoring',
} as const;
const vitalSignsCategory = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
        display: 'Vital Signs',
      },
    ],
  },
];
const profile = (name: string) => `http://hl7.org/fhir/StructureDefinition/${name}`;

type Json = Record<string, unknown>;

function base(patientId: string, timeMs: number, profiles: string[]): Json {
  return {
    resourceType: 'Observation',
    meta: { profile: profiles, tag: [originTag] },
    status: 'final',
    category: vitalSignsCategory,
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: new Date(timeMs).toISOString(),
  };
}

const profileByKind: Partial<Record<VitalKind, string>> = {
  respiratoryRate: 'resprate',
  heartRate: 'heartrate',
  temperature: 'bodytemp',
  spo2: 'oxygensat',
};

/** Vital-signs Observations for a patient's uncharted readings (systolic + diastolic become one BP panel). */
export function chartedObservations(
  patientId: string,
  readings: ReadonlyMap<VitalKind, LatestReading>,
): Json[] {
  const observations: Json[] = [];
  for (const [kind, reading] of readings) {
    if (kind === 'systolicBp' || kind === 'diastolicBp') continue;
    if (kind === 'consciousness' || kind === 'airOrOxygen') {
      observations.push(stateObservation(patientId, kind, reading));
      continue;
    }
    const vital = numericVitals[kind];
    const codings = [{ system: loinc, code: vital.loinc, display: vital.display }];
    // The R4 oxygen saturation profile fixes 2708-6 alongside the pulse-oximetry code.
    if (kind === 'spo2')
      codings.unshift({ system: loinc, code: '2708-6', display: 'Oxygen saturation in Arterial blood' });
    observations.push({
      ...base(patientId, reading.timeMs, [
        profile('vitalsigns'),
        profile(profileByKind[kind] ?? 'vitalsigns'),
      ]),
      code: { coding: codings, text: vital.display },
      valueQuantity: { value: reading.value, unit: vital.unit, system: ucum, code: vital.ucum },
    });
  }
  const systolic = readings.get('systolicBp');
  const diastolic = readings.get('diastolicBp');
  if (systolic || diastolic) {
    const component = (reading: LatestReading | undefined, kind: 'systolicBp' | 'diastolicBp') => {
      const vital = numericVitals[kind];
      const entry: Json = {
        code: { coding: [{ system: loinc, code: vital.loinc, display: vital.display }] },
      };
      if (reading) entry.valueQuantity = { value: reading.value, unit: 'mmHg', system: ucum, code: 'mm[Hg]' };
      else
        entry.dataAbsentReason = {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/data-absent-reason', code: 'not-performed' },
          ],
        };
      return entry;
    };
    const timeMs = Math.max(systolic?.timeMs ?? 0, diastolic?.timeMs ?? 0);
    observations.push({
      ...base(patientId, timeMs, [profile('vitalsigns'), profile('bp')]),
      code: {
        coding: [
          { system: loinc, code: '85354-9', display: 'Blood pressure panel with all children optional' },
        ],
      },
      component: [component(systolic, 'systolicBp'), component(diastolic, 'diastolicBp')],
    });
  }
  return observations;
}

function stateObservation(
  patientId: string,
  kind: 'consciousness' | 'airOrOxygen',
  reading: LatestReading,
): Json {
  const observation = base(patientId, reading.timeMs, []);
  delete (observation.meta as Json).profile;
  if (kind === 'consciousness') {
    const answer = snomedByAcvpu[(reading.state ?? 'A') as keyof typeof snomedByAcvpu];
    return {
      ...observation,
      code: {
        coding: [
          {
            system: snomed,
            code: '1104441000000107',
            display: 'ACVPU (Alert Confusion Voice Pain Unresponsive) scale score',
          },
        ],
      },
      valueCodeableConcept: { coding: [{ system: snomed, code: answer.code, display: answer.display }] },
    };
  }
  const onOxygen = reading.state === 'oxygen';
  return {
    ...observation,
    code: {
      coding: [
        onOxygen
          ? { system: snomed, code: onOxygenCode, display: 'Patient on oxygen' }
          : { system: snomed, code: roomAirCode, display: 'Breathing room air' },
      ],
    },
    valueBoolean: true,
  };
}

/** The NEWS2 Observation: total score as value, each parameter's score as a component. */
export function news2Observation(patientId: string, result: News2Result, timeMs: number): Json {
  const component = (code: { code: string; display: string }, value: number): Json => ({
    code: { coding: [{ system: snomed, ...code }] },
    valueQuantity: { value, system: ucum, code: '{score}' },
  });
  const s = result.subScores;
  const observation = base(patientId, timeMs, []);
  delete (observation.meta as Json).profile;
  return {
    ...observation,
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'survey',
            display: 'Survey',
          },
        ],
      },
    ],
    code: { coding: [{ system: snomed, ...news2Codes.total }] },
    valueQuantity: { value: result.total, system: ucum, code: '{score}' },
    interpretation: [{ text: `NEWS2 clinical risk: ${result.band}; ${result.monitoring.text}` }],
    component: [
      component(news2Codes.respiration, s.respiration),
      component(result.spo2Scale === 2 ? news2Codes.spo2Scale2 : news2Codes.spo2Scale1, s.spo2),
      component(news2Codes.airOrOxygen, s.airOrOxygen),
      component(news2Codes.systolicBp, s.systolicBp),
      component(news2Codes.pulse, s.pulse),
      component(news2Codes.consciousness, s.consciousness),
      component(news2Codes.temperature, s.temperature),
    ],
  };
}

export function isMonitoringOrigin(resource: Json): boolean {
  const tags = (resource.meta as { tag?: Array<{ system?: string; code?: string }> } | undefined)?.tag ?? [];
  return tags.some((tag) => tag.system === originTag.system && tag.code === originTag.code);
}

export function isNews2Observation(resource: Json): boolean {
  const codings =
    (resource.code as { coding?: Array<{ system?: string; code?: string }> } | undefined)?.coding ?? [];
  return codings.some((coding) => coding.code === news2Codes.total.code);
}
