// Turns vital-sign Observations into plottable series: one chart per measure (LOINC code), blood
// pressure as its systolic and diastolic components, oldest reading first.
import type { Observation } from './types.ts';

export interface VitalChart {
  key: string;
  title: string;
  unit: string;
  /** Seconds since epoch, ascending. */
  times: number[];
  lines: Array<{ label: string; values: Array<number | null> }>;
}

interface Measure {
  key: string;
  title: string;
  codes: string[];
  components?: Array<{ label: string; code: string }>;
}

const measures: Measure[] = [
  {
    key: 'bp',
    title: 'Blood pressure',
    codes: ['85354-9', '55284-4'],
    components: [
      { label: 'Systolic', code: '8480-6' },
      { label: 'Diastolic', code: '8462-4' },
    ],
  },
  { key: 'hr', title: 'Heart rate', codes: ['8867-4'] },
  { key: 'rr', title: 'Respiratory rate', codes: ['9279-1'] },
  { key: 'spo2', title: 'Oxygen saturation', codes: ['59408-5', '2708-6'] },
  { key: 'temp', title: 'Body temperature', codes: ['8310-5', '8331-1'] },
  { key: 'weight', title: 'Body weight', codes: ['29463-7'] },
  { key: 'bmi', title: 'Body mass index', codes: ['39156-5'] },
  { key: 'height', title: 'Body height', codes: ['8302-2'] },
];

const loinc = 'http://loinc.org';

function codesOf(observation: { code?: Observation['code'] }): string[] {
  return (observation.code?.coding ?? [])
    .filter((coding) => coding.system === loinc)
    .map((coding) => coding.code ?? '');
}

function timeOf(observation: Observation): number | undefined {
  const text = observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued;
  const ms = text ? Date.parse(text) : Number.NaN;
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export function vitalCharts(observations: readonly Observation[]): VitalChart[] {
  const charts: VitalChart[] = [];
  for (const measure of measures) {
    const rows: Array<{ t: number; values: Array<number | null>; unit?: string }> = [];
    for (const observation of observations) {
      if (observation.status === 'entered-in-error') continue;
      if (!codesOf(observation).some((code) => measure.codes.includes(code))) continue;
      const t = timeOf(observation);
      if (t === undefined) continue;
      if (measure.components) {
        const values = measure.components.map((part) => {
          const component = observation.component?.find((candidate) =>
            codesOf(candidate).includes(part.code),
          );
          return component?.valueQuantity?.value ?? null;
        });
        if (values.some((value) => value !== null)) {
          const unit = observation.component?.[0]?.valueQuantity?.unit;
          rows.push({ t, values, unit });
        }
      } else if (typeof observation.valueQuantity?.value === 'number') {
        rows.push({ t, values: [observation.valueQuantity.value], unit: observation.valueQuantity.unit });
      }
    }
    if (rows.length === 0) continue;
    rows.sort((a, b) => a.t - b.t);
    const labels = measure.components?.map((part) => part.label) ?? [measure.title];
    charts.push({
      key: measure.key,
      title: measure.title,
      unit: rows.find((row) => row.unit)?.unit ?? '',
      times: rows.map((row) => row.t),
      lines: labels.map((label, index) => ({ label, values: rows.map((row) => row.values[index] ?? null) })),
    });
  }
  return charts;
}
