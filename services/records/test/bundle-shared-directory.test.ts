// The shared-directory transform: Synthea bundles that each POST the same Organization and
// Practitioner store one of each through POST /fhir/R4, and every reference follows it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifierCriteria, shareDirectoryResources } from '../src/bundle/index.ts';
import { type FhirJson, type RecordsHost, startRecordsHost } from './bundle-host.ts';

const demo = (name: string): FhirJson =>
  JSON.parse(readFileSync(new URL(`../demo-data/${name}.json`, import.meta.url), 'utf8'));
const clemente = demo('Clemente_Kreiger_1484a42d-0eaf-4654-9cbf-6b050a5cd73b');
const joaquin = demo('Joaquin_Rodriguez_69ee9841-f4a6-427a-a2fd-f5a891682057');
const sharedHospital = {
  system: 'https://github.com/synthetichealth/synthea',
  value: '6f122869-a856-3d65-8db9-099bf4f5bbb8',
};

describe('identifierCriteria', () => {
  it('builds identifier=system|value from the first complete identifier, escaping FHIR search characters', () => {
    expect(
      identifierCriteria({
        identifier: [{ value: 'no-system' }, { system: 'http://x.org/a|b', value: '1,2$3\\4' }],
      }),
    ).toBe(`identifier=${encodeURIComponent('http://x.org/a\\|b')}|${encodeURIComponent('1\\,2\\$3\\\\4')}`);
    expect(identifierCriteria({ identifier: [{ value: 'only' }] })).toBeUndefined();
  });

  it('leaves other types, PUTs and entries with their own criteria alone', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Patient', identifier: [sharedHospital] },
          request: { method: 'POST', url: 'Patient' },
        },
        {
          resource: { resourceType: 'Organization', id: 'o', identifier: [sharedHospital] },
          request: { method: 'PUT', url: 'Organization/o' },
        },
        {
          resource: { resourceType: 'Practitioner', identifier: [sharedHospital] },
          request: { method: 'POST', url: 'Practitioner', ifNoneExist: '_id=p' },
        },
      ],
    };
    expect(shareDirectoryResources(bundle)).toBe(bundle);
  });
});

describe('two Synthea bundles sharing an Organization', () => {
  let records: RecordsHost;
  const organizations: FhirJson[] = [];
  const encounters: FhirJson[] = [];

  beforeAll(async () => {
    records = await startRecordsHost();
    for (const bundle of [clemente, joaquin]) {
      const { status, json } = await records.postBundle(shareDirectoryResources(bundle));
      expect(status).toBe(200);
      for (const entry of json.entry) {
        if (entry.resource.resourceType === 'Organization') organizations.push(entry.resource);
        if (entry.resource.resourceType === 'Encounter') encounters.push(entry.resource);
      }
    }
  }, 60_000);
  afterAll(() => records.stop());

  it('stores the shared Organization once', async () => {
    const copies = organizations.filter((org) => org.identifier[0].value === sharedHospital.value);
    expect(copies.length).toBe(2); // one response entry per bundle ...
    expect(new Set(copies.map((org) => org.id)).size).toBe(1); // ... both the same resource
    const { json } = await records.get(`/fhir/R4/Organization/${copies[0].id}/_history`);
    expect(json.entry.length).toBe(1);
  });

  it("points both patients' Encounters at it", () => {
    const hospitalId = organizations.find((org) => org.identifier[0].value === sharedHospital.value).id;
    const patientsServed = new Set(
      encounters
        .filter((encounter) => encounter.serviceProvider.reference === `Organization/${hospitalId}`)
        .map((encounter) => encounter.subject.reference),
    );
    expect(patientsServed.size).toBe(2);
  });

  it('without the transform, each bundle would store its own copy', async () => {
    const { json } = await records.postBundle(clemente);
    const copy = json.entry.find((entry: FhirJson) => entry.resource.resourceType === 'Organization');
    const hospitalId = organizations[0].id;
    expect(copy.resource.id).not.toBe(hospitalId);
  });
});
