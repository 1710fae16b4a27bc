import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/index.ts';
import { errorsOf, expectError, expectNoValueEchoed } from './issues.ts';

describe('primitive formats', () => {
  it.each([
    ['birthDate', '04/03/1970'],
    ['birthDate', '1970-13-01'],
    ['birthDate', '1970-02-30'],
    ['deceasedDateTime', '1970-03-04T10:00'],
    ['id', 'has space'],
    ['gender', ' male'],
  ])('rejects a bad %s without echoing it', (key, value) => {
    const issues = validateResource({ resourceType: 'Patient', [key]: value });
    const at = key === 'deceasedDateTime' ? 'Patient.deceased.ofType(dateTime)' : `Patient.${key}`;
    const issue = expectError(issues, 'value', at);
    expect(issue.diagnostics).not.toContain(value);
    expectNoValueEchoed(issues, [value]);
  });

  it('accepts partial dates and a dateTime with a zone', () => {
    for (const birthDate of ['1970', '1970-03', '2024-02-29']) {
      expect(errorsOf(validateResource({ resourceType: 'Patient', birthDate }))).toEqual([]);
    }
    const issues = validateResource({
      resourceType: 'Patient',
      deceasedDateTime: '2020-01-01T10:00:00+01:00',
    });
    expect(errorsOf(issues)).toEqual([]);
  });

  it('checks integer kinds and ranges', () => {
    const base = { resourceType: 'Patient' };
    expectError(
      validateResource({ ...base, multipleBirthInteger: 1.5 }),
      'value',
      'Patient.multipleBirth.ofType(integer)',
    );
    expectError(
      validateResource({ ...base, multipleBirthInteger: 2 ** 31 }),
      'value',
      'Patient.multipleBirth.ofType(integer)',
    );
    expectError(
      validateResource({ ...base, multipleBirthInteger: '2' }),
      'value',
      'Patient.multipleBirth.ofType(integer)',
    );
    const sampled = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'ecg' },
      valueSampledData: { origin: { value: 0 }, period: 1, dimensions: 0, data: 'E' },
    };
    expectError(validateResource(sampled), 'value', 'Observation.value.ofType(SampledData).dimensions');
  });

  it('checks instant, uri, uuid-like and base64 formats', () => {
    const issues = validateResource({
      resourceType: 'Binary',
      contentType: 'text/plain',
      meta: { lastUpdated: '2020-01-01', source: 'has space' },
      data: 'abc',
    });
    expectError(issues, 'value', 'Binary.meta.lastUpdated');
    expectError(issues, 'value', 'Binary.meta.source');
    expectError(issues, 'value', 'Binary.data');
    expect(
      errorsOf(validateResource({ resourceType: 'Binary', contentType: 'text/plain', data: 'aGVsbG8=' })),
    ).toEqual([]);
  });
});

describe('cardinality', () => {
  it('reports a missing required element', () => {
    const issues = validateResource({ resourceType: 'Observation', code: { text: 'weight' } });
    const issue = expectError(issues, 'required', 'Observation.status');
    expect(issue.diagnostics).toContain('minimum cardinality 1');
  });

  it('reports missing required elements inside backbone elements and data types', () => {
    const issues = validateResource({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'bp' },
      component: [{ valueString: 'x' }],
    });
    expectError(issues, 'required', 'Observation.component[0].code');
  });

  it('reports too many values: R4 maxima are 1 or *, so a second value arrives as an array', () => {
    const issues = validateResource({ ...{ resourceType: 'Patient' }, birthDate: ['1970', '1971'] });
    expectError(issues, 'structure', 'Patient.birthDate');
  });

  it('reports a missing required element in a repeating backbone element', () => {
    const issues = validateResource({ resourceType: 'Patient', link: [{ type: 'seealso' }] });
    expectError(issues, 'required', 'Patient.link[0].other');
  });
});
