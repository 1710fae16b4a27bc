import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/index.ts';
import { errorsOf, expectError, expectNoValueEchoed } from './issues.ts';

const observation = { resourceType: 'Observation', status: 'final', code: { text: 'weight' } };

describe('required bindings', () => {
  it('rejects a code outside its required value set without echoing it', () => {
    const issues = validateResource({ resourceType: 'Patient', gender: 'zebra-crossing' });
    const issue = expectError(issues, 'code-invalid', 'Patient.gender');
    expect(issue.diagnostics).toContain('http://hl7.org/fhir/ValueSet/administrative-gender');
    expectNoValueEchoed(issues, ['zebra-crossing']);
  });

  it('accepts codes of the required value sets', () => {
    expect(errorsOf(validateResource({ resourceType: 'Patient', gender: 'unknown' }))).toEqual([]);
    expect(errorsOf(validateResource({ ...observation, status: 'entered-in-error' }))).toEqual([]);
    expect(
      errorsOf(
        validateResource({
          ...observation,
          text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
        }),
      ),
    ).toEqual([]);
  });

  it('checks CodeableConcept and Coding with a required binding', () => {
    const base = { resourceType: 'AllergyIntolerance', patient: { reference: 'Patient/1' } };
    const system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical';
    const ok = validateResource({ ...base, clinicalStatus: { coding: [{ system, code: 'active' }] } });
    expect(errorsOf(ok)).toEqual([]);
    const wrongCode = validateResource({
      ...base,
      clinicalStatus: { coding: [{ system, code: 'secret-code-42' }] },
    });
    expectError(wrongCode, 'code-invalid', 'AllergyIntolerance.clinicalStatus');
    expectNoValueEchoed(wrongCode, ['secret-code-42']);
    const wrongSystem = validateResource({
      ...base,
      clinicalStatus: { coding: [{ system: 'http://x', code: 'active' }] },
    });
    expectError(wrongSystem, 'code-invalid', 'AllergyIntolerance.clinicalStatus');
  });

  it('accepts any code of an external terminology it cannot enumerate', () => {
    // Attachment.contentType is bound (required) to MIME types (urn:ietf:bcp:13), not shipped with R4.
    const issues = validateResource({ resourceType: 'Binary', contentType: 'application/x-anything' });
    expect(errorsOf(issues)).toEqual([]);
  });
});

describe('invariants', () => {
  it('reports a failed error invariant with its key and location', () => {
    const issues = validateResource({
      resourceType: 'Patient',
      contact: [{ period: { start: '2020-02-01', end: '2020-01-01' }, name: { family: 'Q' } }],
    });
    const issue = expectError(issues, 'invariant', 'Patient.contact[0].period');
    expect(issue.diagnostics).toMatch(/^per-1:/);
    expectNoValueEchoed(issues, ['2020-02-01', '2020-01-01']);
  });

  it('reports resource-level invariants (pat-1: a contact needs details)', () => {
    const issues = validateResource({ resourceType: 'Patient', contact: [{ gender: 'male' }] });
    expect(expectError(issues, 'invariant', 'Patient.contact[0]').diagnostics).toMatch(/^pat-1:/);
  });

  it('reports warning invariants as warnings (dom-6: no narrative)', () => {
    const issues = validateResource({ resourceType: 'Patient' });
    expect(issues.find((i) => i.diagnostics.startsWith('dom-6'))?.severity).toBe('warning');
    expect(errorsOf(issues)).toEqual([]);
  });

  it('evaluates invariants of contained resources and the dom-* rules on them', () => {
    const issues = validateResource({
      ...observation,
      contained: [{ resourceType: 'Patient', id: 'orphan', meta: { versionId: '2' } }],
    });
    expect(
      errorsOf(issues)
        .map((i) => i.diagnostics.slice(0, 5))
        .sort(),
    ).toEqual(['dom-3', 'dom-4']);
  });

  it('passes dom-3 and ref-1 natively when a reference names the contained resource, else asks the engine', () => {
    const contained = [{ resourceType: 'Patient', id: 'p1' }];
    // Referenced from the container: passes (decided natively).
    expect(
      errorsOf(validateResource({ ...observation, contained, subject: { reference: '#p1' } })).map((i) =>
        i.diagnostics.slice(0, 5),
      ),
    ).toEqual([]);
    // A local reference to nothing contained: ref-1 fails (the engine decides).
    const dangling = validateResource({ ...observation, contained, subject: { reference: '#p2' } });
    expect(
      errorsOf(dangling)
        .map((i) => i.diagnostics.slice(0, 5))
        .sort(),
    ).toEqual(['dom-3', 'ref-1']);
    // Referenced only from a canonical, not a Reference: not certain natively, and the engine passes it.
    const canonical = validateResource({
      resourceType: 'Questionnaire',
      status: 'draft',
      contained: [{ resourceType: 'ValueSet', id: 'vs', status: 'draft' }],
      item: [{ linkId: '1', type: 'choice', answerValueSet: '#vs' }],
    });
    expect(errorsOf(canonical).map((i) => i.diagnostics.slice(0, 5))).toEqual([]);
  });

  it('evaluates invariants on primitive values (ras-1 on a decimal probability)', () => {
    const risk = { resourceType: 'RiskAssessment', status: 'final', subject: { reference: 'Patient/1' } };
    expect(errorsOf(validateResource({ ...risk, prediction: [{ probabilityDecimal: 0.5 }] }))).toEqual([]);
  });
});

describe('references', () => {
  it('rejects a reference to a type the element does not allow', () => {
    const issues = validateResource({ ...observation, subject: { reference: 'Medication/m1' } });
    expectError(issues, 'value', 'Observation.subject.reference');
    expectNoValueEchoed(issues, ['m1']);
  });

  it('rejects malformed references and unknown types', () => {
    const malformed = validateResource({ ...observation, subject: { reference: 'Patient/has space' } });
    expectError(malformed, 'value', 'Observation.subject.reference');
    const unknown = validateResource({ ...observation, subject: { reference: 'Patiant/1' } });
    expectError(unknown, 'value', 'Observation.subject.reference');
  });

  it('accepts relative, versioned, absolute, urn and contained references', () => {
    for (const reference of [
      'Patient/1',
      'Patient/1/_history/2',
      'https://example.org/fhir/Patient/1',
      'urn:uuid:0b2cc5e8-5dd5-4aef-8c36-2d46c20f9a9d',
    ]) {
      expect(errorsOf(validateResource({ ...observation, subject: { reference } }))).toEqual([]);
    }
  });
});

describe('recursive elements (contentReference)', () => {
  it('applies the invariants of Questionnaire.item to nested items', () => {
    const issues = validateResource({
      resourceType: 'Questionnaire',
      status: 'draft',
      item: [{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'group' }] }],
    });
    expect(expectError(issues, 'invariant', 'Questionnaire.item[0].item[0]').diagnostics).toMatch(/^que-1:/);
  });
});
