// How the console names and shows each monitored vital (label, unit, decimals).
import type { Reading, VitalKind } from '../api/monitoring.ts';

export interface VitalLabel {
  label: string;
  short: string;
  unit: string;
  decimals: number;
  colour: string;
}

export const vitalLabels: Record<VitalKind, VitalLabel> = {
  heartRate: { label: 'Pulse', short: 'HR', unit: '/min', decimals: 0, colour: '#a4161a' },
  respiratoryRate: { label: 'Respiratory rate', short: 'RR', unit: '/min', decimals: 0, colour: '#1d6b3a' },
  spo2: { label: 'SpO₂', short: 'SpO₂', unit: '%', decimals: 0, colour: '#0b61a4' },
  systolicBp: { label: 'Systolic BP', short: 'SBP', unit: 'mmHg', decimals: 0, colour: '#6b2fa0' },
  diastolicBp: { label: 'Diastolic BP', short: 'DBP', unit: 'mmHg', decimals: 0, colour: '#8a5a00' },
  temperature: { label: 'Temperature', short: 'Temp', unit: '°C', decimals: 1, colour: '#b44d00' },
  consciousness: { label: 'Consciousness (ACVPU)', short: 'ACVPU', unit: '', decimals: 0, colour: '#36434f' },
  airOrOxygen: { label: 'Air or oxygen', short: 'O₂', unit: '', decimals: 0, colour: '#36434f' },
};

export const numericKinds: VitalKind[] = [
  'heartRate',
  'respiratoryRate',
  'spo2',
  'systolicBp',
  'temperature',
];

/** The reading as text with its unit; the letter or word for the non-numeric vitals. */
export function readingText(kind: VitalKind, reading: Reading | undefined): string {
  if (!reading) return '—';
  if (kind === 'consciousness') return reading.state ?? '—';
  if (kind === 'airOrOxygen')
    return reading.state === 'oxygen' ? 'Oxygen' : reading.state === 'air' ? 'Air' : '—';
  const label = vitalLabels[kind];
  return `${reading.value.toFixed(label.decimals)}${label.unit ? ` ${label.unit}` : ''}`;
}

export const subScoreLabels: Record<string, string> = {
  respiration: 'Respiration rate',
  spo2: 'SpO₂',
  airOrOxygen: 'Air or oxygen',
  systolicBp: 'Systolic blood pressure',
  pulse: 'Pulse',
  consciousness: 'Consciousness',
  temperature: 'Temperature',
};
