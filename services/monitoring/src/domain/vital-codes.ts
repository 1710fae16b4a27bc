// The vital signs monitoring understands and the codes that name them, LOINC and SNOMED CT alike,
// as used by devices and by the UK NEWS2 FHIR examples (PRSB / NHS).
export const loinc = 'http://loinc.org';
export const snomed = 'http://snomed.info/sct';
export const ucum = 'http://unitsofmeasure.org';

export type VitalKind =
  | 'respiratoryRate'
  | 'spo2'
  | 'systolicBp'
  | 'diastolicBp'
  | 'heartRate'
  | 'temperature'
  | 'consciousness'
  | 'airOrOxygen';

export const vitalKinds: readonly VitalKind[] = [
  'respiratoryRate',
  'spo2',
  'systolicBp',
  'diastolicBp',
  'heartRate',
  'temperature',
  'consciousness',
  'airOrOxygen',
];

/** Numeric vitals: their canonical code, unit, and the range a device can plausibly report. */
export interface NumericVital {
  kind: VitalKind;
  loinc: string;
  display: string;
  unit: string;
  ucum: string;
  plausible: { min: number; max: number };
}

export const numericVitals: Record<
  'respiratoryRate' | 'spo2' | 'systolicBp' | 'diastolicBp' | 'heartRate' | 'temperature',
  NumericVital
> = {
  respiratoryRate: {
    kind: 'respiratoryRate',
    loinc: '9279-1',
    display: 'Respiratory rate',
    unit: 'breaths/minute',
    ucum: '/min',
    plausible: { min: 0, max: 120 },
  },
  spo2: {
    kind: 'spo2',
    loinc: '59408-5',
    display: 'Oxygen saturation in Arterial blood by Pulse oximetry',
    unit: '%',
    ucum: '%',
    plausible: { min: 0, max: 100 },
  },
  systolicBp: {
    kind: 'systolicBp',
    loinc: '8480-6',
    display: 'Systolic blood pressure',
    unit: 'mmHg',
    ucum: 'mm[Hg]',
    plausible: { min: 0, max: 350 },
  },
  diastolicBp: {
    kind: 'diastolicBp',
    loinc: '8462-4',
    display: 'Diastolic blood pressure',
    unit: 'mmHg',
    ucum: 'mm[Hg]',
    plausible: { min: 0, max: 300 },
  },
  heartRate: {
    kind: 'heartRate',
    loinc: '8867-4',
    display: 'Heart rate',
    unit: 'beats/minute',
    ucum: '/min',
    plausible: { min: 0, max: 350 },
  },
  temperature: {
    kind: 'temperature',
    loinc: '8310-5',
    display: 'Body temperature',
    unit: 'Cel',
    ucum: 'Cel',
    plausible: { min: 20, max: 46 },
  },
};

/** Codes (either system) → kind. `system|code` keys; a bare code is looked up under both systems. */
const codeTable: ReadonlyArray<[string, string, VitalKind]> = [
  [loinc, '9279-1', 'respiratoryRate'],
  [snomed, '86290005', 'respiratoryRate'],
  [loinc, '59408-5', 'spo2'],
  [loinc, '2708-6', 'spo2'],
  [snomed, '431314004', 'spo2'],
  [loinc, '8480-6', 'systolicBp'],
  [snomed, '271649006', 'systolicBp'],
  [snomed, '72313002', 'systolicBp'],
  [loinc, '8462-4', 'diastolicBp'],
  [snomed, '271650006', 'diastolicBp'],
  [loinc, '8867-4', 'heartRate'],
  [snomed, '364075005', 'heartRate'],
  [snomed, '78564009', 'heartRate'],
  [loinc, '8310-5', 'temperature'],
  [snomed, '276885007', 'temperature'],
  [snomed, '1104441000000107', 'consciousness'],
  [loinc, '3151-8', 'airOrOxygen'],
  [snomed, '722742002', 'airOrOxygen'],
  [snomed, '371825009', 'airOrOxygen'],
];

const bySystemCode = new Map(codeTable.map(([system, code, kind]) => [`${system}|${code}`, kind]));
const byBareCode = new Map(codeTable.map(([, code, kind]) => [code, kind]));

/** The kind a coding names, or undefined. Without a system the code is matched in LOINC and SNOMED CT. */
export function vitalKindOf(code: string, system?: string): VitalKind | undefined {
  if (system === undefined || system === '') return byBareCode.get(code);
  return bySystemCode.get(`${system}|${code}`);
}

/** The blood-pressure panel (LOINC 85354-9; SNOMED CT 75367002): its components carry systolic/diastolic. */
export function isBloodPressurePanel(code: string, system?: string): boolean {
  if (system === undefined || system === '') return code === '85354-9' || code === '75367002';
  return (system === loinc && code === '85354-9') || (system === snomed && code === '75367002');
}

/** ACVPU answers in SNOMED CT (as in the UK NEWS2 examples) → the chart letter. */
export const acvpuBySnomed: Readonly<Record<string, 'A' | 'C' | 'V' | 'P' | 'U'>> = {
  '248234008': 'A',
  '130987000': 'C',
  '300202002': 'V',
  '450847001': 'P',
  '422768004': 'U',
};

export const snomedByAcvpu: Readonly<Record<'A' | 'C' | 'V' | 'P' | 'U', { code: string; display: string }>> =
  {
    A: { code: '248234008', display: 'Mentally alert' },
    C: { code: '130987000', display: 'Acute confusion' },
    V: { code: '300202002', display: 'Responds to voice' },
    P: { code: '450847001', display: 'Responds to pain' },
    U: { code: '422768004', display: 'Unresponsive' },
  };

/** SNOMED CT codes for breathing room air and being on oxygen. */
export const roomAirCode = '722742002';
export const onOxygenCode = '371825009';

/** SNOMED CT codes of the NEWS2 Observation and its sub-score components. */
export const news2Codes = {
  total: {
    code: '1104051000000101',
    display: 'Royal College of Physicians NEWS2 (National Early Warning Score 2) total score',
  },
  respiration: { code: '1104301000000104', display: 'NEWS2 respiration rate score' },
  spo2Scale1: { code: '1104311000000102', display: 'NEWS2 SpO2 scale 1 score' },
  spo2Scale2: { code: '1104321000000108', display: 'NEWS2 SpO2 scale 2 score' },
  airOrOxygen: { code: '1104331000000105', display: 'NEWS2 air or oxygen score' },
  systolicBp: { code: '1104341000000101', display: 'NEWS2 systolic blood pressure score' },
  pulse: { code: '1104351000000103', display: 'NEWS2 pulse rate score' },
  consciousness: { code: '1104361000000100', display: 'NEWS2 consciousness score' },
  temperature: { code: '1104371000000107', display: 'NEWS2 temperature score' },
} as const;
