// `healthlane simulate`: the scenarios produce what they promise (deterministically), and bad
// usage is refused before anything is sent.
import { describe, expect, it } from 'vitest';
import { run } from '../src/cli.ts';
import { readingFor, seededRandom, vitalsFor } from '../src/simulate/scenarios.ts';
import { simulatedBeds } from '../src/simulate/setup-records.ts';

describe('simulation scenarios', () => {
  it('stable vitals stay in the normal NEWS2 ranges', () => {
    const random = seededRandom(7);
    for (let i = 0; i < 200; i += 1) {
      const v = vitalsFor('stable', i, i / 200, random);
      expect(v.rr).toBeGreaterThanOrEqual(12);
      expect(v.rr).toBeLessThanOrEqual(20);
      expect(v.spo2).toBeGreaterThanOrEqual(96);
      expect(v.hr).toBeGreaterThanOrEqual(51);
      expect(v.hr).toBeLessThanOrEqual(90);
      expect(v.acvpu).toBe('A');
    }
  });
  it('sepsis deteriorates over the run; hypoxia drops SpO2 suddenly', () => {
    const random = seededRandom(1);
    const early = vitalsFor('sepsis', 0, 0.05, random);
    const late = vitalsFor('sepsis', 0, 1, random);
    expect(late.hr).toBeGreaterThan(early.hr + 30);
    expect(late.temp).toBeGreaterThan(39);
    expect(late.acvpu).toBe('C');
    expect(late.onOxygen).toBe(true);
    expect(vitalsFor('hypoxia', 0, 0.29, random).spo2).toBeGreaterThanOrEqual(96);
    expect(vitalsFor('hypoxia', 0, 0.31, random).spo2).toBeLessThanOrEqual(86);
  });
  it('dropout silences a third of the beds for half the run; garbage mixes in invalid input', () => {
    const random = seededRandom(3);
    expect(readingFor('dropout', 'd', 0, 0, 0.5, random).kind).toBe('silent');
    expect(readingFor('dropout', 'd', 1, 0, 0.5, random).kind).toBe('payload');
    expect(readingFor('dropout', 'd', 0, 0, 0.8, random).kind).toBe('payload');
    const kinds = Array.from({ length: 100 }, () => readingFor('garbage', 'd', 1, 0, 0.5, random));
    expect(kinds.some((r) => r.kind === 'raw')).toBe(true);
    expect(kinds.some((r) => r.kind === 'payload' && (r.body.samples as unknown[]).length > 8)).toBe(true);
  });
  it('the same seed gives the same run', () => {
    const a = Array.from({ length: 10 }, (_, i) => vitalsFor('sepsis', i, i / 10, seededRandom(5)));
    const b = Array.from({ length: 10 }, (_, i) => vitalsFor('sepsis', i, i / 10, seededRandom(5)));
    expect(a).toEqual(b);
    expect(simulatedBeds('r1', 2)).toEqual([
      { patientId: 'sim-r1-p0', deviceId: 'sim-r1-d0' },
      { patientId: 'sim-r1-p1', deviceId: 'sim-r1-d1' },
    ]);
  });
});

describe('healthlane simulate usage', () => {
  it.each([
    [['--patients', '0']],
    [['--patients', '20001']],
    [['--rate', 'fast']],
    [['--rate', '50hz']],
    [['--scenario', 'zombie']],
    [['--transport', 'carrier-pigeon']],
    [['--duration', 'forever']],
    [['--url', 'ftp://x']],
    [['--ward', 'a ward']],
  ])('refuses %j with exit code 2', async (args) => {
    expect(await run(['simulate', ...args], {})).toBe(2);
  });
});
