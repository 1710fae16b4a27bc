// NEWS2 scoring: the seven parameter sub-scores, the aggregate, the single-parameter red score, the
// clinical risk band and the recommended monitoring frequency (RCP 2017, Charts 1–3; see news2-chart.ts).
import {
  airOrOxygenScores,
  consciousnessScores,
  type NumericBand,
  pulseBands,
  respirationBands,
  type Spo2Scale2Band,
  spo2Scale1Bands,
  spo2Scale2Bands,
  systolicBpBands,
  temperatureBands,
} from './news2-chart.ts';

export type Acvpu = keyof typeof consciousnessScores;
export type AirOrOxygen = keyof typeof airOrOxygenScores;
export type Spo2Scale = 1 | 2;

export interface News2Input {
  respiratoryRate: number;
  spo2: number;
  /**
   * Scale 2 only for a patient with a clinician-documented hypercapnic target range (88–92 %);
   * otherwise scale 1. Being on oxygen never selects scale 2.
   */
  spo2Scale: Spo2Scale;
  airOrOxygen: AirOrOxygen;
  systolicBp: number;
  pulse: number;
  consciousness: Acvpu;
  temperature: number;
}

export interface News2SubScores {
  respiration: number;
  spo2: number;
  airOrOxygen: number;
  systolicBp: number;
  pulse: number;
  consciousness: number;
  temperature: number;
}

export type RiskBand = 'low' | 'low-medium' | 'medium' | 'high';

export interface News2Result {
  subScores: News2SubScores;
  spo2Scale: Spo2Scale;
  /** 0–20. */
  total: number;
  /** A score of 3 in any single parameter. */
  red: boolean;
  band: RiskBand;
  monitoring: MonitoringFrequency;
}

export interface MonitoringFrequency {
  /** Longest interval between observations, in minutes; 0 = continuous. */
  maxIntervalMinutes: number;
  /** The RCP Chart 3 wording. */
  text: string;
}

/** Chart values are integers except temperature (one decimal); values in between are rounded first. */
export function roundToChart(value: number, decimals: 0 | 1): number {
  const factor = decimals === 0 ? 1 : 10;
  // The small epsilon makes 35.05 (stored as 35.04999…) round up, as a clinician reading it would.
  return Math.round(value * factor + 1e-9) / factor;
}

function inBand(value: number, band: NumericBand): boolean {
  return (band.min === null || value >= band.min) && (band.max === null || value <= band.max);
}

function scoreFrom(bands: readonly NumericBand[], value: number, decimals: 0 | 1): number {
  const rounded = roundToChart(value, decimals);
  const band = bands.find((candidate) => inBand(rounded, candidate));
  if (!band) throw new RangeError('value outside every NEWS2 band'); // the bands cover the real line
  return band.score;
}

export const scoreRespiration = (perMinute: number): number => scoreFrom(respirationBands, perMinute, 0);
export const scoreSpo2Scale1 = (percent: number): number => scoreFrom(spo2Scale1Bands, percent, 0);
export const scoreSystolicBp = (mmHg: number): number => scoreFrom(systolicBpBands, mmHg, 0);
export const scorePulse = (perMinute: number): number => scoreFrom(pulseBands, perMinute, 0);
export const scoreTemperature = (celsius: number): number => scoreFrom(temperatureBands, celsius, 1);
export const scoreAirOrOxygen = (value: AirOrOxygen): number => airOrOxygenScores[value];
export const scoreConsciousness = (value: Acvpu): number => consciousnessScores[value];

/** Scale 2: ≥ 93 % scores 0 on air but 1/2/3 on oxygen. */
export function scoreSpo2Scale2(percent: number, airOrOxygen: AirOrOxygen): number {
  const rounded = roundToChart(percent, 0);
  const band = spo2Scale2Bands.find(
    (candidate: Spo2Scale2Band) =>
      (candidate.on === undefined || candidate.on === airOrOxygen) && inBand(rounded, candidate),
  );
  if (!band) throw new RangeError('value outside every NEWS2 band');
  return band.score;
}

/** RCP Chart 2 risk band: ≥ 7 high, 5–6 medium, a red score below 5 low–medium, else low. */
export function riskBand(total: number, red: boolean): RiskBand {
  if (total >= 7) return 'high';
  if (total >= 5) return 'medium';
  if (red) return 'low-medium';
  return 'low';
}

/** RCP Chart 3 minimum monitoring frequency for an aggregate score and red flag. */
export function monitoringFrequency(total: number, red: boolean): MonitoringFrequency {
  if (total >= 7) {
    return {
      maxIntervalMinutes: 0,
      text: 'continuous monitoring of vital signs; emergency assessment by a clinical team with critical-care competencies',
    };
  }
  if (total >= 5) {
    return {
      maxIntervalMinutes: 60,
      text: 'minimum 1-hourly; urgent assessment by a clinician with competencies in acute illness',
    };
  }
  if (red)
    return { maxIntervalMinutes: 60, text: 'minimum 1-hourly; registered nurse to inform the medical team' };
  if (total >= 1) return { maxIntervalMinutes: 240, text: 'minimum 4–6-hourly; registered nurse assessment' };
  return { maxIntervalMinutes: 720, text: 'minimum 12-hourly; continue routine monitoring' };
}

export function scoreNews2(input: News2Input): News2Result {
  const subScores: News2SubScores = {
    respiration: scoreRespiration(input.respiratoryRate),
    spo2:
      input.spo2Scale === 2 ? scoreSpo2Scale2(input.spo2, input.airOrOxygen) : scoreSpo2Scale1(input.spo2),
    airOrOxygen: scoreAirOrOxygen(input.airOrOxygen),
    systolicBp: scoreSystolicBp(input.systolicBp),
    pulse: scorePulse(input.pulse),
    consciousness: scoreConsciousness(input.consciousness),
    temperature: scoreTemperature(input.temperature),
  };
  const scores = Object.values(subScores);
  const total = scores.reduce((sum, score) => sum + score, 0);
  const red = scores.some((score) => score === 3);
  return {
    subScores,
    spo2Scale: input.spo2Scale,
    total,
    red,
    band: riskBand(total, red),
    monitoring: monitoringFrequency(total, red),
  };
}
