// The NEWS2 scoring bands, transcribed from the Royal College of Physicians' chart.
//
// Acknowledgement: National Early Warning Score (NEWS) 2 © Royal College of Physicians 2017.
// Source: Royal College of Physicians. National Early Warning Score (NEWS) 2: Standardising the
// assessment of acute-illness severity in the NHS. Updated report of a working party. London: RCP,
// 2017 — Chart 1 (the NEWS scoring system) and Chart 2 (thresholds and triggers). The RCP places no
// copyright restriction on the material but asks to be acknowledged wherever it is reproduced.
// This is a machine-readable transcription of the band values, not a reproduction of the chart.
// test/news2-chart.test.ts checks it against the project's transcription in shared/data/news2.

/** An inclusive band [min, max] on the chart's precision; `null` is an open end. */
export interface NumericBand {
  min: number | null;
  max: number | null;
  score: number;
}

/** SpO2 scale 2 bands above 92 % depend on whether the patient is on air or oxygen. */
export interface Spo2Scale2Band extends NumericBand {
  on?: 'air' | 'oxygen';
}

export const respirationBands: readonly NumericBand[] = [
  { min: null, max: 8, score: 3 },
  { min: 9, max: 11, score: 1 },
  { min: 12, max: 20, score: 0 },
  { min: 21, max: 24, score: 2 },
  { min: 25, max: null, score: 3 },
];

export const spo2Scale1Bands: readonly NumericBand[] = [
  { min: null, max: 91, score: 3 },
  { min: 92, max: 93, score: 2 },
  { min: 94, max: 95, score: 1 },
  { min: 96, max: null, score: 0 },
];

export const spo2Scale2Bands: readonly Spo2Scale2Band[] = [
  { min: null, max: 83, score: 3 },
  { min: 84, max: 85, score: 2 },
  { min: 86, max: 87, score: 1 },
  { min: 88, max: 92, score: 0 },
  { min: 93, max: null, on: 'air', score: 0 },
  { min: 93, max: 94, on: 'oxygen', score: 1 },
  { min: 95, max: 96, on: 'oxygen', score: 2 },
  { min: 97, max: null, on: 'oxygen', score: 3 },
];

export const airOrOxygenScores = { air: 0, oxygen: 2 } as const;

export const systolicBpBands: readonly NumericBand[] = [
  { min: null, max: 90, score: 3 },
  { min: 91, max: 100, score: 2 },
  { min: 101, max: 110, score: 1 },
  { min: 111, max: 219, score: 0 },
  { min: 220, max: null, score: 3 },
];

export const pulseBands: readonly NumericBand[] = [
  { min: null, max: 40, score: 3 },
  { min: 41, max: 50, score: 1 },
  { min: 51, max: 90, score: 0 },
  { min: 91, max: 110, score: 1 },
  { min: 111, max: 130, score: 2 },
  { min: 131, max: null, score: 3 },
];

/** ACVPU: Alert scores 0; new Confusion, Voice, Pain and Unresponsive score 3. */
export const consciousnessScores = { A: 0, C: 3, V: 3, P: 3, U: 3 } as const;

export const temperatureBands: readonly NumericBand[] = [
  { min: null, max: 35.0, score: 3 },
  { min: 35.1, max: 36.0, score: 1 },
  { min: 36.1, max: 38.0, score: 0 },
  { min: 38.1, max: 39.0, score: 1 },
  { min: 39.1, max: null, score: 2 },
];
