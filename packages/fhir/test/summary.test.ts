import { describe, expect, it } from 'vitest';
import { type FhirResource, selectElements, summarize } from '../src/index.ts';

const SUBSETTED = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

const patient: FhirResource = {
  resourceType: 'Patient',
  id: 'p1',
  meta: { versionId: '3', tag: [{ system: 'http://example.org/t', code: 'keep' }] },
  text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Q</div>' },
  name: [{ family: 'Quillon' }],
  birthDate: '1970',
  _birthDate: { extension: [{ url: 'http://example.org/x', valueBoolean: true }] },
  photo: [{ contentType: 'image/png', data: 'aGVsbG8=' }],
  contact: [{ name: { family: 'Z' }, relationship: [{ text: 'friend' }] }],
  link: [{ other: { reference: 'Patient/2' }, type: 'seealso' }],
};

const tagsOf = (resource: FhirResource) => resource.meta?.tag?.map((t) => t.code);

describe('summarize', () => {
  it('true keeps summary elements only, descending into backbone elements', () => {
    const summary = summarize(patient, 'true');
    expect(Object.keys(summary).sort()).toEqual([
      '_birthDate',
      'birthDate',
      'id',
      'link',
      'meta',
      'name',
      'resourceType',
    ]);
    expect(summary.link).toEqual([{ other: { reference: 'Patient/2' }, type: 'seealso' }]);
    expect(summary.meta?.tag).toContainEqual(expect.objectContaining(SUBSETTED));
    expect(tagsOf(summary)).toContain('keep');
  });

  it('text keeps text, id, meta and required top-level elements', () => {
    const observation: FhirResource = {
      resourceType: 'Observation',
      id: 'o',
      status: 'final',
      code: { text: 'w' },
      valueString: 'x',
    };
    expect(Object.keys(summarize(observation, 'text')).sort()).toEqual([
      'code',
      'id',
      'meta',
      'resourceType',
      'status',
    ]);
    expect(Object.keys(summarize(patient, 'text')).sort()).toEqual(['id', 'meta', 'resourceType', 'text']);
  });

  it('data removes the narrative; false returns everything untouched', () => {
    const data = summarize(patient, 'data');
    expect(data.text).toBeUndefined();
    expect(data.photo).toEqual(patient.photo);
    expect(tagsOf(data)).toContain('SUBSETTED');
    expect(summarize(patient, 'false')).toEqual(patient);
  });

  it('does not mutate its input and tags SUBSETTED once', () => {
    const before = structuredClone(patient);
    const twice = summarize(summarize(patient, 'true'), 'true');
    expect(patient).toEqual(before);
    expect(tagsOf(twice)?.filter((c) => c === 'SUBSETTED')).toHaveLength(1);
  });
});

describe('selectElements', () => {
  it('keeps the listed elements plus id, meta and resourceType, and marks SUBSETTED', () => {
    const selected = selectElements(patient, ['birthDate', 'photo']);
    expect(Object.keys(selected).sort()).toEqual([
      '_birthDate',
      'birthDate',
      'id',
      'meta',
      'photo',
      'resourceType',
    ]);
    expect(tagsOf(selected)).toContain('SUBSETTED');
  });

  it('matches a choice element by its base name', () => {
    const observation: FhirResource = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'w' },
      valueString: 'x',
    };
    expect(Object.keys(selectElements(observation, ['value'])).sort()).toEqual([
      'meta',
      'resourceType',
      'valueString',
    ]);
  });
});
