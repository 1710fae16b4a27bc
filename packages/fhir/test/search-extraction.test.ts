// The search-parameter registry and index extraction: union expressions cut per type, resolve()
// filters, every value kind read from real R4 shapes, and the precision ranges of dates and decimals.
import { describe, expect, it } from 'vitest';
import {
  dateRange,
  decimalRange,
  extractSearchValues,
  normalizeString,
  periodRange,
  searchParameter,
  splitUnion,
} from '../src/index.ts';

const values = (resource: Record<string, unknown> & { resourceType: string }, code: string) =>
  extractSearchValues(resource).find((entry) => entry.param.code === code);

describe('registry', () => {
  it('keeps only the union parts of the type and turns resolve() into a target filter', () => {
    expect(splitUnion("A.b | (C.d as Quantity) | E.f.where(g = 'x|y')")).toEqual([
      'A.b',
      '(C.d as Quantity)',
      "E.f.where(g = 'x|y')",
    ]);
    const code = searchParameter('Condition', 'code')!;
    expect(code.paths).toEqual([{ expression: 'Condition.code' }]);
    const patient = searchParameter('Observation', 'patient')!;
    expect(patient.paths).toEqual([{ expression: 'Observation.subject', targetType: 'Patient' }]);
    expect(searchParameter('Patient', '_tag')!.paths).toEqual([{ expression: 'Patient.meta.tag' }]);
    expect(searchParameter('Observation', 'code-value-quantity')!.components.map((c) => c.type)).toEqual([
      'token',
      'quantity',
    ]);
    expect(searchParameter('Patient', 'nonsense')).toBeUndefined();
  });
});

describe('date and decimal ranges', () => {
  it('gives each FHIR date its precision as a half-open range', () => {
    expect(dateRange('2020')).toEqual({ low: Date.UTC(2020, 0, 1), high: Date.UTC(2021, 0, 1) });
    expect(dateRange('2020-02')).toEqual({ low: Date.UTC(2020, 1, 1), high: Date.UTC(2020, 2, 1) });
    expect(dateRange('2020-02-29')).toEqual({ low: Date.UTC(2020, 1, 29), high: Date.UTC(2020, 2, 1) });
    expect(dateRange('2020-01-01T10:00:00+02:00')).toEqual({
      low: Date.UTC(2020, 0, 1, 8),
      high: Date.UTC(2020, 0, 1, 8, 0, 1),
    });
    expect(dateRange('2020-01-01T10:00:00.123Z')!.high - dateRange('2020-01-01T10:00:00.123Z')!.low).toBe(1);
    expect(dateRange('2021-02-30')).toBeUndefined();
    expect(dateRange('yesterday')).toBeUndefined();
    expect(periodRange('2020', undefined)).toEqual({
      low: Date.UTC(2020, 0, 1),
      high: Number.POSITIVE_INFINITY,
    });
  });

  it('gives each decimal its implicit precision exactly', () => {
    expect(decimalRange('100')).toEqual({ value: '100', low: '99.5', high: '100.5' });
    expect(decimalRange('100.00')).toEqual({ value: '100.00', low: '99.995', high: '100.005' });
    expect(decimalRange('1e2')).toEqual({ value: '100', low: '95', high: '105' });
    expect(decimalRange('-0.5')).toEqual({ value: '-0.5', low: '-0.55', high: '-0.45' });
    expect(decimalRange('abc')).toBeUndefined();
    expect(normalizeString('Ännchen MÜLLER')).toBe('annchen muller');
  });
});

describe('extraction', () => {
  const observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic' }], text: 'SBP' },
    subject: { reference: 'Patient/p1' },
    performer: [
      { reference: 'http://other.org/fhir/Practitioner/9' },
      { identifier: { system: 's', value: 'v' } },
    ],
    effectivePeriod: { start: '2024-01-01', end: '2024-01-02' },
    valueQuantity: { value: 120.5, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    component: [{ code: { coding: [{ code: 'a' }] }, valueQuantity: { value: 1 } }],
  };

  it('reads tokens, references, dates, quantities and composites with their types', () => {
    expect(values(observation, 'code')!.values).toEqual([
      { kind: 'token', system: 'http://loinc.org', code: '8480-6', text: 'Systolic' },
      { kind: 'token', system: null, code: null, text: 'SBP' },
    ]);
    expect(values(observation, 'patient')!.values).toEqual([
      {
        kind: 'reference',
        targetType: 'Patient',
        targetId: 'p1',
        url: null,
        identifierSystem: null,
        identifierValue: null,
      },
    ]);
    expect(values(observation, 'performer')!.values).toEqual([
      {
        kind: 'reference',
        targetType: null,
        targetId: null,
        url: 'http://other.org/fhir/Practitioner/9',
        identifierSystem: null,
        identifierValue: null,
      },
      {
        kind: 'reference',
        targetType: null,
        targetId: null,
        url: null,
        identifierSystem: 's',
        identifierValue: 'v',
      },
    ]);
    expect(values(observation, 'date')!.values).toEqual([
      { kind: 'date', low: Date.UTC(2024, 0, 1), high: Date.UTC(2024, 0, 3) },
    ]);
    expect(values(observation, 'value-quantity')!.values).toEqual([
      { kind: 'quantity', value: '120.5', system: 'http://unitsofmeasure.org', code: 'mm[Hg]', unit: 'mmHg' },
    ]);
    expect(values(observation, 'component-code-value-quantity')!.composites).toEqual([
      [
        { kind: 'token', system: null, code: 'a', text: null },
        { kind: 'quantity', value: '1', system: null, code: null, unit: null },
      ],
    ]);
    expect(values(observation, 'subject')).toBeDefined();
    expect(values({ ...observation, subject: { reference: 'Group/g1' } }, 'patient')).toBeUndefined();
    // a contained reference is kept (as url) so :missing sees it; a canonical splits like a reference
    expect(values({ ...observation, subject: { reference: '#p' } }, 'subject')!.values[0]).toMatchObject({
      url: '#p',
    });
    expect(
      values(
        { resourceType: 'Procedure', instantiatesCanonical: ['PlanDefinition/KDN5'] },
        'instantiates-canonical',
      )!.values[0],
    ).toMatchObject({ targetType: 'PlanDefinition', targetId: 'KDN5' });
    // `as` on a repeating element: every component's value, not an error
    const multi = {
      ...observation,
      component: [
        ...observation.component,
        { code: { coding: [{ code: 'b' }] }, valueQuantity: { value: 2 } },
      ],
    };
    expect(values(multi, 'component-value-quantity')!.values).toHaveLength(2);
    // a computed boolean (deceased.exists() and deceased != false)
    expect(values({ resourceType: 'Patient', deceasedDateTime: '2020' }, 'deceased')!.values).toEqual([
      { kind: 'token', system: null, code: 'true', text: null },
    ]);
  });

  it('reads names and addresses part by part, and skips what is absent', () => {
    const patient = {
      resourceType: 'Patient',
      name: [{ family: 'Doe', given: ['Jane', 'Q'], text: 'Jane Q Doe' }],
      address: [{ line: ['1 Main St'], city: 'Springfield' }],
      birthDate: '1990-03',
    };
    expect(values(patient, 'name')!.values.map((value) => (value as { value: string }).value)).toEqual([
      'Jane Q Doe',
      'Doe',
      'Jane',
      'Q',
    ]);
    expect(values(patient, 'address-city')!.values).toEqual([{ kind: 'string', value: 'Springfield' }]);
    expect(values(patient, 'gender')).toBeUndefined();
    expect(values(patient, '_id')).toBeUndefined(); // answered from the resource row, never indexed
  });
});
