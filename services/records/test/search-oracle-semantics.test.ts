// The oracle itself, on hand-made resources, against the worked examples of the R4 search page:
// string normalisation and modifiers, token forms, date precision and prefixes, implicit number
// precision, reference forms, chains and `_has` — so a disagreement with the server points at the
// server, not at the oracle.
import { describe, expect, it } from 'vitest';
import { type Resource, SearchOracle } from './search-oracle/oracle.ts';
import type { Criterion } from './search-oracle/query.ts';
import type { Verdict } from './search-oracle/verdict.ts';

const base = 'http://localhost/fhir/R4';
const patient: Resource = {
  resourceType: 'Patient',
  id: 'p1',
  name: [{ family: 'Müller-Smith', given: ['Éva'] }],
  birthDate: '2020-03',
  gender: 'female',
  identifier: [{ system: 'http://example.org/mrn', value: 'A1', type: { text: 'Medical record number' } }],
};
const bare: Resource = { resourceType: 'Patient', id: 'p2' };
const observation: Resource = {
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Pulse' },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2020-01-01T23:30:00+00:00',
  valueQuantity: { value: 100.3, unit: 'beats/min', system: 'http://unitsofmeasure.org', code: '/min' },
};
const encounter: Resource = {
  resourceType: 'Encounter',
  id: 'e1',
  status: 'in-progress',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' },
  subject: { reference: `${base}/Patient/p1` },
  period: { start: '2020-05-01T10:00:00Z' },
};
const oracle = new SearchOracle(
  [patient, bare, observation, encounter],
  base,
  Date.parse('2026-01-01T00:00:00Z'),
);

function verdict(resource: Resource, code: string, value: string, modifier = ''): Verdict {
  return oracle.verdict(resource, { code, modifier, values: value.split(',') });
}

describe('string', () => {
  it('matches the start of any name part, ignoring case and accents', () => {
    expect(verdict(patient, 'name', 'eva')).toBe('yes');
    expect(verdict(patient, 'name', 'MULL')).toBe('yes');
    expect(verdict(patient, 'name', 'smith')).toBe('no');
    expect(verdict(patient, 'family', 'müller-s')).toBe('yes');
  });
  it(':contains anywhere, :exact the whole value with case and accents', () => {
    expect(verdict(patient, 'name', 'smith', 'contains')).toBe('yes');
    expect(verdict(patient, 'given', 'Éva', 'exact')).toBe('yes');
    expect(verdict(patient, 'given', 'Eva', 'exact')).toBe('no');
    expect(verdict(patient, 'given', 'Év', 'exact')).toBe('no');
  });
});

describe('token', () => {
  it('code, system|code, system|, |code', () => {
    expect(verdict(observation, 'code', '8867-4')).toBe('yes');
    expect(verdict(observation, 'code', 'http://loinc.org|8867-4')).toBe('yes');
    expect(verdict(observation, 'code', 'http://snomed.info/sct|8867-4')).toBe('no');
    expect(verdict(observation, 'code', 'http://loinc.org|')).toBe('yes');
    expect(verdict(observation, 'code', '|8867-4')).toBe('no');
    expect(verdict(patient, 'identifier', 'http://example.org/mrn|A1')).toBe('yes');
  });
  it(':not includes resources without the element; :missing; :text on text, display and type.text', () => {
    expect(verdict(patient, 'gender', 'male', 'not')).toBe('yes');
    expect(verdict(bare, 'gender', 'female', 'not')).toBe('yes');
    expect(verdict(patient, 'gender', 'female', 'not')).toBe('no');
    expect(verdict(bare, 'gender', 'true', 'missing')).toBe('yes');
    expect(verdict(patient, 'gender', 'true', 'missing')).toBe('no');
    expect(verdict(observation, 'code', 'puls', 'text')).toBe('yes');
    expect(verdict(observation, 'code', 'heart', 'text')).toBe('yes');
    expect(verdict(observation, 'code', 'rate', 'text')).toBe('may');
    expect(verdict(patient, 'identifier', 'medical record', 'text')).toBe('yes');
  });
});

describe('date', () => {
  it('a month-precision value is a range: contained in its year, not equal to one of its days', () => {
    expect(verdict(patient, 'birthdate', '2020')).toBe('yes');
    expect(verdict(patient, 'birthdate', '2020-03')).toBe('yes');
    expect(verdict(patient, 'birthdate', '2020-03-15')).toBe('no');
    expect(verdict(patient, 'birthdate', 'ne2020-03-15')).toBe('yes');
    expect(verdict(patient, 'birthdate', 'gt2020-03-15')).toBe('yes');
    expect(verdict(patient, 'birthdate', 'lt2020-03-15')).toBe('yes');
    expect(verdict(patient, 'birthdate', 'sa2020-02-28')).toBe('yes');
    expect(verdict(patient, 'birthdate', 'sa2020-03-01')).toBe('no');
    expect(verdict(patient, 'birthdate', 'eb2020-04-01')).toBe('yes');
    expect(verdict(patient, 'birthdate', 'gt2020-04-01')).toBe('no');
  });
  it('a day without a zone is read in the server zone, which the specification leaves open', () => {
    expect(verdict(observation, 'date', '2020-01-01')).toBe('may');
    expect(verdict(observation, 'date', '2020')).toBe('yes');
    expect(verdict(observation, 'date', '2020-01-01T23:30:00Z')).toBe('yes');
    expect(verdict(observation, 'date', 'gt2020-01-01T23:30:00Z')).toBe('no');
    expect(verdict(observation, 'date', 'ge2020-01-01T23:30:00Z')).toBe('yes');
  });
  it('a Period without an end reaches every later date', () => {
    expect(verdict(encounter, 'date', 'ge2030-01-01')).toBe('yes');
    expect(verdict(encounter, 'date', 'eq2020-05')).toBe('no');
    expect(verdict(encounter, 'date', 'lt2020-05-01T10:00:00Z')).toBe('no');
  });
});

describe('quantity', () => {
  it('the search value implies a range from its precision; gt/lt on a value inside it may go either way', () => {
    expect(verdict(observation, 'value-quantity', '100')).toBe('yes');
    expect(verdict(observation, 'value-quantity', '100.0')).toBe('no');
    expect(verdict(observation, 'value-quantity', '100.3|http://unitsofmeasure.org|/min')).toBe('yes');
    expect(verdict(observation, 'value-quantity', '100.3||beats/min')).toBe('yes');
    expect(verdict(observation, 'value-quantity', '100.3|http://unitsofmeasure.org|/s')).toBe('no');
    expect(verdict(observation, 'value-quantity', 'gt100')).toBe('may');
    expect(verdict(observation, 'value-quantity', 'gt99')).toBe('yes');
    expect(verdict(observation, 'value-quantity', 'lt100.3')).toBe('no');
  });
});

describe(':missing', () => {
  it('a composite has a value where one root has every component', () => {
    expect(verdict(observation, 'code-value-quantity', 'false', 'missing')).toBe('yes');
    expect(verdict(observation, 'code-value-concept', 'true', 'missing')).toBe('yes');
  });
  it('a reference to a contained resource is left open; a free-text date too', () => {
    const contained: Resource = { resourceType: 'Observation', id: 'o2', subject: { reference: '#p' } };
    const text: Resource = { resourceType: 'Immunization', id: 'i1', occurrenceString: 'January 2012' };
    const local = new SearchOracle([contained, text], base, 0);
    expect(local.verdict(contained, { code: 'subject', modifier: 'missing', values: ['true'] })).toBe('may');
    expect(local.verdict(contained, { code: 'subject', modifier: '', values: ['p'] })).toBe('no');
    expect(local.verdict(text, { code: 'date', modifier: 'missing', values: ['false'] })).toBe('may');
  });
});

describe('reference, chain, _has', () => {
  it('Type/id, id, own absolute URL, :Type; another server is another resource', () => {
    expect(verdict(observation, 'subject', 'Patient/p1')).toBe('yes');
    expect(verdict(observation, 'subject', 'p1')).toBe('yes');
    expect(verdict(observation, 'subject', `${base}/Patient/p1`)).toBe('yes');
    expect(verdict(encounter, 'subject', 'Patient/p1')).toBe('yes');
    expect(verdict(observation, 'subject', 'http://elsewhere.org/fhir/Patient/p1')).toBe('no');
    expect(verdict(observation, 'subject', 'p1', 'Group')).toBe('no');
    expect(verdict(observation, 'patient', 'Patient/p1')).toBe('yes');
  });
  it('chains to the referenced resource and back with _has', () => {
    const chain: Criterion = {
      code: 'subject',
      modifier: 'Patient',
      values: [],
      chain: { code: 'name', modifier: '', values: ['eva'] },
    };
    expect(oracle.verdict(observation, chain)).toBe('yes');
    const has: Criterion = {
      code: '_has',
      modifier: '',
      values: [],
      has: {
        type: 'Observation',
        reference: 'patient',
        criterion: { code: 'code', modifier: '', values: ['8867-4'] },
      },
    };
    expect(oracle.verdict(patient, has)).toBe('yes');
    expect(oracle.verdict(bare, has)).toBe('no');
  });
  it('_include adds the stored targets of the matches, _revinclude the stored resources referring to them', () => {
    const byId = (id: string) => [{ code: '_id', modifier: '', values: [id] }];
    const included = oracle.expected({
      type: 'Observation',
      param: '_include',
      variant: 'include',
      criteria: byId('o1'),
      include: { kind: '_include', value: 'Observation:subject' },
    }).included;
    expect([...(included?.must ?? [])]).toEqual(['Patient/p1']);
    const revincluded = oracle.expected({
      type: 'Patient',
      param: '_revinclude',
      variant: 'revinclude',
      criteria: byId('p1'),
      include: { kind: '_revinclude', value: 'Encounter:subject' },
    }).included;
    expect([...(revincluded?.must ?? [])]).toEqual(['Encounter/e1']);
  });
});
