import { describe, expect, it } from 'vitest';
import { acceptsCode, acceptsCoding, expansionOf } from '../src/terminology.ts';

const ACT_REASON = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';

describe('ValueSet expansion from the shipped code systems', () => {
  it('expands a whole code system (administrative-gender)', () => {
    const gender = expansionOf('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1');
    expect([...(gender.codes.get('http://hl7.org/fhir/administrative-gender') ?? [])].sort()).toEqual([
      'female',
      'male',
      'other',
      'unknown',
    ]);
    expect(acceptsCode(gender, 'Female')).toBe(false);
  });

  it('applies an is-a filter over a v3 hierarchy and the exclude list', () => {
    const reasons = expansionOf('http://terminology.hl7.org/ValueSet/v3-SubstanceAdminSubstitutionReason');
    expect([...(reasons.codes.get(ACT_REASON) ?? [])].sort()).toEqual(['CT', 'FP', 'OS', 'RR']);
    expect(acceptsCoding(reasons, ACT_REASON, '_SubstanceAdminSubstitutionReason')).toBe(false);
    expect(acceptsCoding(reasons, ACT_REASON, 'IMMUNE')).toBe(false);
  });

  it('follows imported value sets next to concept lists', () => {
    const yesNo = expansionOf('http://hl7.org/fhir/ValueSet/yesnodontknow');
    expect(acceptsCoding(yesNo, 'http://terminology.hl7.org/CodeSystem/v2-0136', 'Y')).toBe(true);
    expect(
      acceptsCoding(yesNo, 'http://terminology.hl7.org/CodeSystem/data-absent-reason', 'asked-unknown'),
    ).toBe(true);
    expect(acceptsCoding(yesNo, 'http://terminology.hl7.org/CodeSystem/data-absent-reason', 'masked')).toBe(
      false,
    );
  });

  it('accepts any code of a terminology that is not shipped, and anything for an unknown ValueSet', () => {
    const mediaView = expansionOf('http://hl7.org/fhir/ValueSet/media-view');
    expect(acceptsCoding(mediaView, 'http://snomed.info/sct', '399067008')).toBe(true);
    expect(acceptsCoding(mediaView, 'http://loinc.org', '1-8')).toBe(false);
    expect(expansionOf('http://example.org/ValueSet/unknown').open).toBe(true);
  });
});
