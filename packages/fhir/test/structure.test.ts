import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/index.ts';
import { errorsOf, expectError, expectNoValueEchoed } from './issues.ts';

describe('JSON shape', () => {
  it('accepts a small valid patient', () => {
    const issues = validateResource({
      resourceType: 'Patient',
      id: 'p1',
      name: [{ family: 'Zephyrine', given: ['Quillon'] }],
      birthDate: '1970-03-04',
      _birthDate: { extension: [{ url: 'http://example.org/x', valueBoolean: true }] },
    });
    expect(errorsOf(issues)).toEqual([]);
  });

  it('rejects an unknown element strictly', () => {
    const issues = validateResource({ resourceType: 'Patient', nickname: 'Zephyrine' });
    expectError(issues, 'structure', 'Patient.nickname');
    expectNoValueEchoed(issues, ['Zephyrine']);
  });

  it('rejects an unknown element inside a backbone element and a data type', () => {
    const issues = validateResource({
      resourceType: 'Patient',
      contact: [{ name: { family: 'Quillon', surname: 'Quillon' }, bogus: true }],
    });
    expectError(issues, 'structure', 'Patient.contact[0].bogus');
    expectError(issues, 'structure', 'Patient.contact[0].name.surname');
  });

  it('rejects a wrong JSON type without echoing the value', () => {
    const issues = validateResource({ resourceType: 'Patient', name: [{ given: ['Quillon', 4815162342] }] });
    const issue = expectError(issues, 'value', 'Patient.name[0].given[1]');
    expect(issue.diagnostics).toContain('JSON string');
    expectNoValueEchoed(issues, ['Quillon', '4815162342']);
  });

  it('rejects a boolean given as a string and a singleton given as an array', () => {
    const issues = validateResource({ resourceType: 'Patient', active: 'true', gender: ['female'] });
    expectError(issues, 'value', 'Patient.active');
    expectError(issues, 'structure', 'Patient.gender');
  });

  it('rejects a repeating element given as a single object', () => {
    const issues = validateResource({ resourceType: 'Patient', name: { family: 'Quillon' } });
    expectError(issues, 'structure', 'Patient.name');
  });

  it('rejects two variants of a choice element', () => {
    const issues = validateResource({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      valueString: 'heavy',
      valueBoolean: true,
    });
    const issue = expectError(issues, 'structure', 'Observation.value.ofType(string)');
    expect(issue.expression).toEqual([
      'Observation.value.ofType(string)',
      'Observation.value.ofType(boolean)',
    ]);
    expectNoValueEchoed(issues, ['heavy']);
  });

  it('validates contained resources recursively', () => {
    const issues = validateResource({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: '#p' },
      contained: [{ resourceType: 'Patient', id: 'p', birthDate: 'yesterday' }],
    });
    expectError(issues, 'value', 'Observation.contained[0].birthDate');
    expectNoValueEchoed(issues, ['yesterday']);
  });

  it('validates Bundle entry resources and Parameters resources', () => {
    const bundle = validateResource({
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: { resourceType: 'Patient', unknownThing: 1 } },
        { resource: { resourceType: 'Nope' } },
      ],
    });
    expectError(bundle, 'structure', 'Bundle.entry[0].resource.unknownThing');
    expectError(bundle, 'structure', 'Bundle.entry[1].resource.resourceType');
    const parameters = validateResource({
      resourceType: 'Parameters',
      parameter: [{ name: 'p', resource: { resourceType: 'Patient', gender: 7 } }],
    });
    expectError(parameters, 'value', 'Parameters.parameter[0].resource.gender');
  });

  it('checks primitive extensions: only id and extension, aligned with the values', () => {
    const issues = validateResource({
      resourceType: 'Patient',
      _birthDate: { value: '1970', extension: [{ url: 'http://example.org/x', valueString: 'Quillon' }] },
      name: [{ given: ['A', 'B'], _given: [null] }],
    });
    expectError(issues, 'structure', 'Patient.birthDate.value');
    expectError(issues, 'structure', 'Patient.name[0].given');
    expectNoValueEchoed(issues, ['1970', 'Quillon']);
  });

  it('checks Extension structure: url required, value or nested extensions but not both', () => {
    const issues = validateResource({
      resourceType: 'Patient',
      extension: [
        { valueString: 'x' },
        { url: 'http://example.org/a', valueString: 'x', extension: [{ url: 'b', valueCode: 'c' }] },
        { url: 'http://example.org/c' },
      ],
    });
    expectError(issues, 'required', 'Patient.extension[0].url');
    expectError(issues, 'invariant', 'Patient.extension[1]');
    expectError(issues, 'invariant', 'Patient.extension[2]');
  });

  it('rejects a missing or unknown resourceType and a type mismatch', () => {
    expectError(validateResource({ id: 'x' }), 'required', 'Resource.resourceType');
    expectError(validateResource({ resourceType: 'Patiant' }), 'structure', 'Resource.resourceType');
    expectError(
      validateResource({ resourceType: 'Patient' }, { resourceType: 'Observation' }),
      'invalid',
      'Observation.resourceType',
    );
    expectError(validateResource('not a resource'), 'structure', 'Resource');
  });

  it('rejects empty arrays, empty objects and nulls', () => {
    const issues = validateResource({ resourceType: 'Patient', name: [], maritalStatus: {}, gender: null });
    expectError(issues, 'structure', 'Patient.name');
    expectError(issues, 'invariant', 'Patient.maritalStatus');
    expectError(issues, 'structure', 'Patient.gender');
  });
});

describe('keys that are no FHIR name', () => {
  it('reports them at the parent without repeating the key', () => {
    const issues = validateResource({ resourceType: 'Patient', 'Jane Doe, 1970': true });
    const issue = expectError(issues, 'structure', 'Patient');
    expect(issue.diagnostics).toContain('not a FHIR element name');
    expectNoValueEchoed(issues, ['Jane Doe']);
  });
});
