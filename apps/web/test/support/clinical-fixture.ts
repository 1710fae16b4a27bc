// A small, known clinical record for the browser tests: patients with encounters, conditions,
// medications, an allergy and a week of vital signs, as one FHIR transaction Bundle.

const loinc = 'http://loinc.org';
const vitalSigns = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
        display: 'Vital signs',
      },
    ],
  },
];

export interface FixturePatient {
  family: string;
  given: string;
  birthDate: string;
  gender: 'female' | 'male';
}

export const fixturePatients: FixturePatient[] = [
  { family: 'Okonkwo', given: 'Adaeze', birthDate: '1961-04-12', gender: 'female' },
  { family: 'Lindqvist', given: 'Per', birthDate: '1948-11-02', gender: 'male' },
  { family: 'Okafor', given: 'Chinedu', birthDate: '1990-07-30', gender: 'male' },
];

function observation(
  patientRef: string,
  code: string,
  display: string,
  value: number,
  unit: string,
  when: string,
) {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: vitalSigns,
    code: { coding: [{ system: loinc, code, display }], text: display },
    subject: { reference: patientRef },
    effectiveDateTime: when,
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  };
}

function bloodPressure(patientRef: string, systolic: number, diastolic: number, when: string) {
  const component = (code: string, display: string, value: number) => ({
    code: { coding: [{ system: loinc, code, display }] },
    valueQuantity: { value, unit: 'mm[Hg]', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
  });
  return {
    resourceType: 'Observation',
    status: 'final',
    category: vitalSigns,
    code: {
      coding: [{ system: loinc, code: '85354-9', display: 'Blood pressure panel' }],
      text: 'Blood pressure',
    },
    subject: { reference: patientRef },
    effectiveDateTime: when,
    component: [
      component('8480-6', 'Systolic blood pressure', systolic),
      component('8462-4', 'Diastolic blood pressure', diastolic),
    ],
  };
}

/** The first patient carries the full record; the others only demographics. */
export function clinicalBundle(start = Date.UTC(2026, 10, 20, 8)): unknown {
  const entries: Array<{ fullUrl: string; resource: unknown }> = [];
  fixturePatients.forEach((patient, index) => {
    entries.push({
      fullUrl: `urn:uuid:patient-${index}`,
      resource: {
        resourceType: 'Patient',
        identifier: [
          {
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
            system: 'urn:healthlane:test:mrn',
            value: `MRN-${1000 + index}`,
          },
        ],
        name: [{ use: 'official', family: patient.family, given: [patient.given] }],
        gender: patient.gender,
        birthDate: patient.birthDate,
      },
    });
  });
  const ref = 'urn:uuid:patient-0';
  const day = 24 * 3600 * 1000;
  entries.push(
    {
      fullUrl: 'urn:uuid:encounter-0',
      resource: {
        resourceType: 'Encounter',
        status: 'finished',
        class: {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: 'IMP',
          display: 'inpatient encounter',
        },
        type: [{ text: 'Admission for pneumonia' }],
        subject: { reference: ref },
        period: { start: new Date(start).toISOString(), end: new Date(start + 6 * day).toISOString() },
      },
    },
    {
      fullUrl: 'urn:uuid:condition-0',
      resource: {
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        code: {
          coding: [{ system: 'http://snomed.info/sct', code: '233604007', display: 'Pneumonia' }],
          text: 'Pneumonia',
        },
        subject: { reference: ref },
        onsetDateTime: new Date(start).toISOString(),
      },
    },
    {
      fullUrl: 'urn:uuid:medication-0',
      resource: {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: { text: 'Amoxicillin 500 mg oral capsule' },
        subject: { reference: ref },
        authoredOn: new Date(start).toISOString(),
      },
    },
    {
      fullUrl: 'urn:uuid:allergy-0',
      resource: {
        resourceType: 'AllergyIntolerance',
        clinicalStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
          ],
        },
        criticality: 'high',
        code: { text: 'Penicillin G' },
        patient: { reference: ref },
        reaction: [{ manifestation: [{ text: 'Hives' }] }],
      },
    },
  );
  for (let reading = 0; reading < 7; reading++) {
    const when = new Date(start + reading * day).toISOString();
    const n = `${reading}`;
    entries.push(
      {
        fullUrl: `urn:uuid:hr-${n}`,
        resource: observation(ref, '8867-4', 'Heart rate', 88 - reading * 3, '/min', when),
      },
      {
        fullUrl: `urn:uuid:rr-${n}`,
        resource: observation(ref, '9279-1', 'Respiratory rate', 22 - reading, '/min', when),
      },
      {
        fullUrl: `urn:uuid:t-${n}`,
        resource: observation(ref, '8310-5', 'Body temperature', 38.4 - reading * 0.2, 'Cel', when),
      },
      { fullUrl: `urn:uuid:bp-${n}`, resource: bloodPressure(ref, 128 - reading, 84 - reading, when) },
    );
  }
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: entries.map((entry) => ({
      ...entry,
      request: { method: 'POST', url: (entry.resource as { resourceType: string }).resourceType },
    })),
  };
}
