// How the console shows FHIR values: names, ages, concepts, quantities, references, and vital-sign
// Observations turned into chart series.
import { describe, expect, it } from 'vitest';
import { ageInYears, conceptText, formatQuantity, patientName, referenceId } from '../app/fhir/format.ts';
import type { Observation } from '../app/fhir/types.ts';
import { vitalCharts } from '../app/fhir/vital-series.ts';

describe('format', () => {
  it('names a patient by the official name, family first', () => {
    expect(
      patientName({
        name: [
          { use: 'nickname', given: ['Ada'] },
          { use: 'official', family: 'Okonkwo', given: ['Adaeze', 'N.'] },
        ],
      }),
    ).toBe('Okonkwo, Adaeze N.');
    expect(patientName({ name: [{ text: ' Baby of Smith ' }] })).toBe('Baby of Smith');
    expect(patientName({})).toBe('Unnamed patient');
  });

  it('counts whole years, the day before a birthday not yet a year more', () => {
    const today = new Date(Date.UTC(2026, 11, 1));
    expect(ageInYears('1961-12-02', today)).toBe(64);
    expect(ageInYears('1961-12-01', today)).toBe(65);
    expect(ageInYears('1961', today)).toBe(65);
    expect(ageInYears('2027-01-01', today)).toBeUndefined();
    expect(ageInYears(undefined, today)).toBeUndefined();
  });

  it('shows a concept by its text, else its display, else its code', () => {
    expect(conceptText({ text: 'Pneumonia', coding: [{ display: 'x' }] })).toBe('Pneumonia');
    expect(conceptText({ coding: [{ code: '1' }, { display: 'Asthma' }] })).toBe('Asthma');
    expect(conceptText({ coding: [{ code: '195967001' }] })).toBe('195967001');
    expect(conceptText(undefined)).toBe('—');
  });

  it('shows quantities with their unit and one decimal where needed', () => {
    expect(formatQuantity({ value: 72, unit: '/min' })).toBe('72 /min');
    expect(formatQuantity({ value: 38.44, code: 'Cel' })).toBe('38.4 Cel');
    expect(formatQuantity(undefined)).toBe('—');
  });

  it('reads ids out of literal references only for the named type', () => {
    expect(referenceId('Patient/abc-1', 'Patient')).toBe('abc-1');
    expect(referenceId('https://x.org/fhir/Patient/abc/_history/2', 'Patient')).toBe('abc');
    expect(referenceId('Group/abc', 'Patient')).toBeUndefined();
  });
});

describe('vital-sign charts', () => {
  const vital = (code: string, value: number, when: string, status = 'final'): Observation => ({
    resourceType: 'Observation',
    status,
    code: { coding: [{ system: 'http://loinc.org', code }] },
    effectiveDateTime: when,
    valueQuantity: { value, unit: '/min' },
  });

  it('groups by measure, oldest first, leaving out entered-in-error readings', () => {
    const charts = vitalCharts([
      vital('8867-4', 80, '2026-11-21T08:00:00Z'),
      vital('8867-4', 90, '2026-11-20T08:00:00Z'),
      vital('8867-4', 200, '2026-11-22T08:00:00Z', 'entered-in-error'),
      vital('9279-1', 18, '2026-11-20T08:00:00Z'),
    ]);
    expect(charts.map((chart) => chart.key)).toEqual(['hr', 'rr']);
    expect(charts[0]!.times).toEqual([
      Date.parse('2026-11-20T08:00:00Z') / 1000,
      Date.parse('2026-11-21T08:00:00Z') / 1000,
    ]);
    expect(charts[0]!.lines).toEqual([{ label: 'Heart rate', values: [90, 80] }]);
  });

  it('plots blood pressure as systolic and diastolic from the panel components', () => {
    const panel: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '85354-9' }] },
      effectiveDateTime: '2026-11-20T08:00:00Z',
      component: [
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
          valueQuantity: { value: 128, unit: 'mm[Hg]' },
        },
        {
          code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
          valueQuantity: { value: 84, unit: 'mm[Hg]' },
        },
      ],
    };
    const [chart] = vitalCharts([panel]);
    expect(chart?.unit).toBe('mm[Hg]');
    expect(chart?.lines).toEqual([
      { label: 'Systolic', values: [128] },
      { label: 'Diastolic', values: [84] },
    ]);
  });
});
