// A small clinical data set for search tests (two patients, observations, a condition, a
// practitioner, an organization), created through the REST API so indexing runs as in production.
import type { RecordsApp } from './records-app.ts';

export const json = { 'content-type': 'application/fhir+json' };

export async function put(records: RecordsApp, resource: Record<string, unknown>): Promise<void> {
  const response = await records.app.inject({
    method: 'PUT',
    url: `/fhir/R4/${resource.resourceType as string}/${resource.id as string}`,
    headers: json,
    payload: JSON.stringify(resource),
  });
  if (response.statusCode >= 300) throw new Error(`fixture ${resource.id as string}: ${response.body}`);
}

export const fixtures: Record<string, unknown>[] = [
  { resourceType: 'Organization', id: 'org-1', name: 'Saint Mary Hospital' },
  {
    resourceType: 'Practitioner',
    id: 'pr-1',
    name: [{ family: 'House', given: ['Gregory'] }],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567890' }],
  },
  {
    resourceType: 'Patient',
    id: 'pat-1',
    meta: {
      tag: [{ system: 'urn:tags', code: 'vip' }],
      profile: ['http://example.org/StructureDefinition/p1'],
      source: 'urn:src:a',
    },
    active: true,
    gender: 'female',
    birthDate: '1980-05-17',
    name: [{ family: 'Müller', given: ['Ännchen', 'Marie'] }],
    identifier: [
      {
        system: 'urn:mrn',
        value: 'M-100',
        type: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }],
          text: 'Medical record',
        },
      },
    ],
    telecom: [{ system: 'phone', value: '555-0100' }],
    address: [{ city: 'Boston', state: 'MA', postalCode: '02115' }],
    generalPractitioner: [{ reference: 'Practitioner/pr-1' }],
    managingOrganization: { reference: 'Organization/org-1' },
  },
  {
    resourceType: 'Patient',
    id: 'pat-2',
    active: false,
    gender: 'male',
    birthDate: '1975',
    name: [{ family: 'Smith', given: ['John'] }],
    identifier: [{ system: 'urn:mrn', value: 'M-200' }],
    address: [{ city: 'Cambridge' }],
  },
  {
    resourceType: 'Observation',
    id: 'obs-1',
    status: 'final',
    code: {
      coding: [{ system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' }],
      text: 'Systolic BP',
    },
    subject: { reference: 'Patient/pat-1' },
    performer: [{ reference: 'Practitioner/pr-1' }],
    effectiveDateTime: '2024-03-01T10:00:00Z',
    valueQuantity: { value: 120, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  },
  {
    resourceType: 'Observation',
    id: 'obs-2',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
    subject: { reference: 'Patient/pat-1' },
    effectiveDateTime: '2024-06-15T08:30:00Z',
    valueQuantity: { value: 135.5, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  },
  {
    resourceType: 'Observation',
    id: 'obs-3',
    status: 'preliminary',
    code: { coding: [{ system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
    subject: { reference: 'Patient/pat-2' },
    effectivePeriod: { start: '2023-01-01', end: '2023-01-31' },
    valueQuantity: { value: 80, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
  },
  {
    resourceType: 'Observation',
    id: 'obs-4',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
    subject: { reference: 'Patient/pat-2' },
    effectiveDateTime: '2022',
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 150, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: { value: 95, system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
      },
    ],
  },
  {
    resourceType: 'Condition',
    id: 'cond-1',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] },
    subject: { reference: 'Patient/pat-1' },
    onsetDateTime: '2019-02-03',
  },
  {
    resourceType: 'RiskAssessment',
    id: 'risk-1',
    status: 'final',
    subject: { reference: 'Patient/pat-1' },
    prediction: [{ probabilityDecimal: 0.25 }],
  },
  {
    resourceType: 'ValueSet',
    id: 'vs-1',
    status: 'active',
    url: 'http://example.org/fhir/ValueSet/colors',
  },
];

export async function loadFixtures(records: RecordsApp): Promise<void> {
  for (const resource of fixtures) await put(records, resource);
}
