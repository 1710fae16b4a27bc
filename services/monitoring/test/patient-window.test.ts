// The latest-value window: measurement time decides, stale readings are not scored.
import { describe, expect, it } from 'vitest';
import { applySample, type LatestReadings, news2Inputs } from '../src/domain/patient-window.ts';
import { vitalKindOf } from '../src/domain/vital-codes.ts';

const policy = { vitalMaxAgeMs: 300_000, observationMaxAgeMs: 43_200_000 };

function full(readings: LatestReadings, t: number): void {
  applySample(readings, { deviceId: 'd', kind: 'respiratoryRate', timeMs: t, value: 16 });
  applySample(readings, { deviceId: 'd', kind: 'spo2', timeMs: t, value: 97 });
  applySample(readings, { deviceId: 'd', kind: 'systolicBp', timeMs: t, value: 120 });
  applySample(readings, { deviceId: 'd', kind: 'heartRate', timeMs: t, value: 70 });
  applySample(readings, { deviceId: 'd', kind: 'temperature', timeMs: t, value: 37 });
  applySample(readings, { deviceId: 'd', kind: 'consciousness', timeMs: t, value: 0, state: 'A' });
  applySample(readings, { deviceId: 'd', kind: 'airOrOxygen', timeMs: t, value: 0, state: 'air' });
}

describe('patient window', () => {
  it('a late (older) sample never replaces a newer one; a newer one does', () => {
    const readings: LatestReadings = {};
    expect(applySample(readings, { deviceId: 'd', kind: 'heartRate', timeMs: 2_000, value: 80 })).toBe(true);
    expect(applySample(readings, { deviceId: 'd', kind: 'heartRate', timeMs: 1_000, value: 140 })).toBe(
      false,
    );
    expect(applySample(readings, { deviceId: 'd', kind: 'heartRate', timeMs: 2_000, value: 141 })).toBe(
      false,
    );
    expect(readings.heartRate?.value).toBe(80);
    expect(applySample(readings, { deviceId: 'd', kind: 'heartRate', timeMs: 3_000, value: 90 })).toBe(true);
    expect(readings.heartRate?.value).toBe(90);
  });
  it('builds a complete input from fresh readings', () => {
    const readings: LatestReadings = {};
    full(readings, 1_000);
    const result = news2Inputs(readings, 2, 2_000, policy);
    expect(result).toEqual({
      complete: true,
      input: {
        respiratoryRate: 16,
        spo2: 97,
        spo2Scale: 2,
        airOrOxygen: 'air',
        systolicBp: 120,
        pulse: 70,
        consciousness: 'A',
        temperature: 37,
      },
    });
  });
  it('names missing and stale parameters', () => {
    const readings: LatestReadings = {};
    full(readings, 0);
    applySample(readings, { deviceId: 'd', kind: 'heartRate', timeMs: 400_000, value: 70 });
    expect(news2Inputs(readings, 1, 400_000, policy)).toEqual({
      complete: false,
      missing: ['respiratoryRate', 'spo2', 'systolicBp', 'temperature'],
    });
    expect(news2Inputs({}, 1, 0, policy)).toMatchObject({ complete: false });
  });
});

describe('vital codes', () => {
  it.each([
    ['9279-1', undefined, 'respiratoryRate'],
    ['86290005', 'http://snomed.info/sct', 'respiratoryRate'],
    ['59408-5', 'http://loinc.org', 'spo2'],
    ['2708-6', undefined, 'spo2'],
    ['8480-6', 'http://loinc.org', 'systolicBp'],
    ['8462-4', undefined, 'diastolicBp'],
    ['8867-4', undefined, 'heartRate'],
    ['364075005', 'http://snomed.info/sct', 'heartRate'],
    ['8310-5', undefined, 'temperature'],
    ['276885007', undefined, 'temperature'],
    ['1104441000000107', 'http://snomed.info/sct', 'consciousness'],
    ['722742002', undefined, 'airOrOxygen'],
    ['371825009', undefined, 'airOrOxygen'],
  ] as const)('%s (%s) is %s', (code, system, kind) => {
    expect(vitalKindOf(code, system)).toBe(kind);
  });
  it('a code under the wrong system or an unknown code is not a vital', () => {
    expect(vitalKindOf('8867-4', 'http://snomed.info/sct')).toBeUndefined();
    expect(vitalKindOf('1234-5')).toBeUndefined();
  });
});
