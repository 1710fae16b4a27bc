// NEWS2 scoring: every band edge of every parameter (expected values written from the RCP chart,
// not read from the code's table), aggregate, red score, risk band, monitoring frequency, and
// property tests for bounds and monotonicity.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  monitoringFrequency,
  type News2Input,
  riskBand,
  roundToChart,
  scoreAirOrOxygen,
  scoreConsciousness,
  scoreNews2,
  scorePulse,
  scoreRespiration,
  scoreSpo2Scale1,
  scoreSpo2Scale2,
  scoreSystolicBp,
  scoreTemperature,
} from '../src/domain/news2.ts';

type Edge = [value: number, score: number];

const respirationEdges: Edge[] = [
  [0, 3],
  [8, 3],
  [9, 1],
  [11, 1],
  [12, 0],
  [20, 0],
  [21, 2],
  [24, 2],
  [25, 3],
  [60, 3],
];
const spo2Scale1Edges: Edge[] = [
  [50, 3],
  [91, 3],
  [92, 2],
  [93, 2],
  [94, 1],
  [95, 1],
  [96, 0],
  [100, 0],
];
const spo2Scale2CommonEdges: Edge[] = [
  [70, 3],
  [83, 3],
  [84, 2],
  [85, 2],
  [86, 1],
  [87, 1],
  [88, 0],
  [92, 0],
];
const spo2Scale2AirEdges: Edge[] = [
  [93, 0],
  [96, 0],
  [100, 0],
];
const spo2Scale2OxygenEdges: Edge[] = [
  [93, 1],
  [94, 1],
  [95, 2],
  [96, 2],
  [97, 3],
  [100, 3],
];
const systolicEdges: Edge[] = [
  [40, 3],
  [90, 3],
  [91, 2],
  [100, 2],
  [101, 1],
  [110, 1],
  [111, 0],
  [219, 0],
  [220, 3],
  [300, 3],
];
const pulseEdges: Edge[] = [
  [20, 3],
  [40, 3],
  [41, 1],
  [50, 1],
  [51, 0],
  [90, 0],
  [91, 1],
  [110, 1],
  [111, 2],
  [130, 2],
  [131, 3],
  [220, 3],
];
const temperatureEdges: Edge[] = [
  [30, 3],
  [35.0, 3],
  [35.1, 1],
  [36.0, 1],
  [36.1, 0],
  [38.0, 0],
  [38.1, 1],
  [39.0, 1],
  [39.1, 2],
  [42, 2],
];

describe('NEWS2 parameter scores at every band edge', () => {
  it.each(respirationEdges)('respiration %d/min scores %d', (value, score) => {
    expect(scoreRespiration(value)).toBe(score);
  });
  it.each(spo2Scale1Edges)('SpO2 scale 1 %d %% scores %d', (value, score) => {
    expect(scoreSpo2Scale1(value)).toBe(score);
  });
  it.each(spo2Scale2CommonEdges)('SpO2 scale 2 %d %% scores %d on air and on oxygen', (value, score) => {
    expect(scoreSpo2Scale2(value, 'air')).toBe(score);
    expect(scoreSpo2Scale2(value, 'oxygen')).toBe(score);
  });
  it.each(spo2Scale2AirEdges)('SpO2 scale 2 %d %% on air scores %d', (value, score) => {
    expect(scoreSpo2Scale2(value, 'air')).toBe(score);
  });
  it.each(spo2Scale2OxygenEdges)('SpO2 scale 2 %d %% on oxygen scores %d', (value, score) => {
    expect(scoreSpo2Scale2(value, 'oxygen')).toBe(score);
  });
  it.each(systolicEdges)('systolic %d mmHg scores %d', (value, score) => {
    expect(scoreSystolicBp(value)).toBe(score);
  });
  it.each(pulseEdges)('pulse %d/min scores %d', (value, score) => {
    expect(scorePulse(value)).toBe(score);
  });
  it.each(temperatureEdges)('temperature %d °C scores %d', (value, score) => {
    expect(scoreTemperature(value)).toBe(score);
  });
  it('air scores 0, oxygen 2', () => {
    expect(scoreAirOrOxygen('air')).toBe(0);
    expect(scoreAirOrOxygen('oxygen')).toBe(2);
  });
  it('ACVPU: alert 0; new confusion, voice, pain, unresponsive 3', () => {
    expect(['A', 'C', 'V', 'P', 'U'].map((v) => scoreConsciousness(v as 'A'))).toEqual([0, 3, 3, 3, 3]);
  });
  it('values between chart bands are rounded to the chart precision first', () => {
    expect(roundToChart(35.05, 1)).toBe(35.1);
    expect(scoreTemperature(35.04)).toBe(3);
    expect(scoreTemperature(35.05)).toBe(1);
    expect(scoreTemperature(38.04)).toBe(0);
    expect(scoreSpo2Scale1(91.4)).toBe(3);
    expect(scoreSpo2Scale1(91.5)).toBe(2);
    expect(scorePulse(90.4)).toBe(0);
    expect(scorePulse(90.6)).toBe(1);
  });
});

const normal: News2Input = {
  respiratoryRate: 16,
  spo2: 97,
  spo2Scale: 1,
  airOrOxygen: 'air',
  systolicBp: 120,
  pulse: 70,
  consciousness: 'A',
  temperature: 37,
};

describe('NEWS2 aggregate, red score and risk band', () => {
  it('a normal set scores 0, low, 12-hourly', () => {
    const result = scoreNews2(normal);
    expect(result.total).toBe(0);
    expect(result.red).toBe(false);
    expect(result.band).toBe('low');
    expect(result.monitoring.maxIntervalMinutes).toBe(720);
  });
  it('new confusion alone is a red score: low–medium, hourly', () => {
    const result = scoreNews2({ ...normal, consciousness: 'C' });
    expect(result).toMatchObject({ total: 3, red: true, band: 'low-medium' });
    expect(result.monitoring.maxIntervalMinutes).toBe(60);
  });
  it('oxygen adds 2 on scale 1 and scale 2; being on oxygen never selects scale 2', () => {
    expect(scoreNews2({ ...normal, airOrOxygen: 'oxygen' }).total).toBe(2);
    expect(scoreNews2({ ...normal, airOrOxygen: 'oxygen' }).subScores.spo2).toBe(0); // 97 % on scale 1
    expect(scoreNews2({ ...normal, spo2Scale: 2, airOrOxygen: 'oxygen' }).total).toBe(5); // 97 % on O2 scores 3
    expect(scoreNews2({ ...normal, spo2Scale: 2, airOrOxygen: 'air' }).total).toBe(0);
  });
  it('sums the seven parameters', () => {
    const result = scoreNews2({
      respiratoryRate: 22, // 2
      spo2: 95, // 1
      spo2Scale: 1,
      airOrOxygen: 'oxygen', // 2
      systolicBp: 105, // 1
      pulse: 115, // 2
      consciousness: 'A', // 0
      temperature: 38.5, // 1
    });
    expect(result.subScores).toEqual({
      respiration: 2,
      spo2: 1,
      airOrOxygen: 2,
      systolicBp: 1,
      pulse: 2,
      consciousness: 0,
      temperature: 1,
    });
    expect(result.total).toBe(9);
    expect(result.band).toBe('high');
    expect(result.monitoring.maxIntervalMinutes).toBe(0);
  });
  it.each([
    [0, false, 'low'],
    [4, false, 'low'],
    [3, true, 'low-medium'],
    [4, true, 'low-medium'],
    [5, false, 'medium'],
    [6, true, 'medium'],
    [7, false, 'high'],
    [20, true, 'high'],
  ] as const)('total %d red %s is %s', (total, red, band) => {
    expect(riskBand(total, red)).toBe(band);
  });
  it.each([
    [0, false, 720],
    [1, false, 240],
    [4, false, 240],
    [3, true, 60],
    [5, false, 60],
    [6, false, 60],
    [7, false, 0],
  ] as const)('total %d red %s: at most %d minutes between observations', (total, red, minutes) => {
    expect(monitoringFrequency(total, red).maxIntervalMinutes).toBe(minutes);
  });
});

const inputs = fc.record({
  respiratoryRate: fc.double({ min: 0, max: 80, noNaN: true }),
  spo2: fc.double({ min: 50, max: 100, noNaN: true }),
  spo2Scale: fc.constantFrom(1 as const, 2 as const),
  airOrOxygen: fc.constantFrom('air' as const, 'oxygen' as const),
  systolicBp: fc.double({ min: 30, max: 300, noNaN: true }),
  pulse: fc.double({ min: 10, max: 250, noNaN: true }),
  consciousness: fc.constantFrom('A' as const, 'C' as const, 'V' as const, 'P' as const, 'U' as const),
  temperature: fc.double({ min: 25, max: 45, noNaN: true }),
});

describe('NEWS2 properties', () => {
  it('the total is the sum of sub-scores, within 0–20; each sub-score 0–3', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const result = scoreNews2(input);
        const subs = Object.values(result.subScores);
        expect(subs.every((s) => s >= 0 && s <= 3)).toBe(true);
        expect(result.total).toBe(subs.reduce((a, b) => a + b, 0));
        expect(result.total).toBeGreaterThanOrEqual(0);
        expect(result.total).toBeLessThanOrEqual(20);
        expect(result.red).toBe(subs.includes(3));
      }),
    );
  });
  it('moving a value further from normal never lowers its score', () => {
    const away = (score: (v: number) => number, normalValue: number) =>
      fc.property(
        fc.double({ min: 0, max: 200, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        (d, e) => {
          expect(score(normalValue + d + e)).toBeGreaterThanOrEqual(score(normalValue + d));
          expect(score(normalValue - d - e)).toBeGreaterThanOrEqual(score(normalValue - d));
        },
      );
    fc.assert(away(scoreRespiration, 16));
    fc.assert(away(scoreSystolicBp, 160));
    fc.assert(away(scorePulse, 70));
    fc.assert(away(scoreTemperature, 37));
  });
  it('lower SpO2 never scores less on scale 1; oxygen never scores less than air', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 50, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        (v, d) => {
          expect(scoreSpo2Scale1(v - d)).toBeGreaterThanOrEqual(scoreSpo2Scale1(v));
          expect(scoreSpo2Scale2(v, 'oxygen')).toBeGreaterThanOrEqual(scoreSpo2Scale2(v, 'air'));
        },
      ),
    );
  });
  it('a worse sub-score never makes the band better', () => {
    const rank = { low: 0, 'low-medium': 1, medium: 2, high: 3 };
    fc.assert(
      fc.property(inputs, fc.constantFrom('C' as const, 'V' as const), (input, worse) => {
        const before = scoreNews2({ ...input, consciousness: 'A' });
        const after = scoreNews2({ ...input, consciousness: worse });
        expect(after.total).toBeGreaterThanOrEqual(before.total);
        expect(rank[after.band]).toBeGreaterThanOrEqual(rank[before.band]);
      }),
    );
  });
});
