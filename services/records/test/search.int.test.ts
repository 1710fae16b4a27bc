// Search on the real PostgreSQL: the shared search suite, then query plans of the common searches
// on a few thousand resources after ANALYZE — every records table is read through an index, never
// a sequential scan — and a conditional create through the real search under concurrency.
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageStatement } from '../src/search/page-query.ts';
import { parseSearch } from '../src/search/parse-query.ts';
import { newSqlContext } from '../src/search/sql-context.ts';
import { seqScansOn } from './support/query-plan.ts';
import { body, type RecordsApp, startRecordsApp } from './support/records-app.ts';
import { loadFixtures } from './support/search-fixtures.ts';
import { searchSuite } from './support/search-suite.ts';

let database: TestPostgresDatabase;
let records: RecordsApp;
const json = { 'content-type': 'application/fhir+json' };

/** `patients` patients, each with observations, encounters and a condition, posted as batch Bundles. */
async function loadVolume(patients: number): Promise<void> {
  for (let p = 0; p < patients; p++) {
    const patient = `vol-p${p}`;
    const entry: unknown[] = [
      {
        resource: {
          resourceType: 'Patient',
          id: patient,
          name: [{ family: `Family${p % 97}`, given: [`Given${p}`] }],
          birthDate: `${1940 + (p % 60)}-0${1 + (p % 9)}-1${p % 10}`,
          gender: p % 2 === 0 ? 'female' : 'male',
          identifier: [{ system: 'urn:vol', value: `V${p}` }],
        },
        request: { method: 'PUT', url: `Patient/${patient}` },
      },
      {
        resource: {
          resourceType: 'Condition',
          id: `vol-c${p}`,
          code: { coding: [{ system: 'http://snomed.info/sct', code: String(1000 + (p % 50)) }] },
          subject: { reference: `Patient/${patient}` },
        },
        request: { method: 'PUT', url: `Condition/vol-c${p}` },
      },
    ];
    for (let o = 0; o < 12; o++) {
      entry.push({
        resource: {
          resourceType: 'Observation',
          id: `vol-o${p}-${o}`,
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: `${1000 + (o % 6)}-1` }] },
          subject: { reference: `Patient/${patient}` },
          effectiveDateTime: `202${o % 5}-0${1 + (o % 9)}-15T10:00:00Z`,
          valueQuantity: { value: 50 + o, system: 'http://unitsofmeasure.org', code: 'kg' },
        },
        request: { method: 'PUT', url: `Observation/vol-o${p}-${o}` },
      });
    }
    for (let e = 0; e < 3; e++) {
      entry.push({
        resource: {
          resourceType: 'Encounter',
          id: `vol-e${p}-${e}`,
          status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
          subject: { reference: `Patient/${patient}` },
          period: { start: `202${e}-02-01T08:00:00Z`, end: `202${e}-02-01T09:00:00Z` },
        },
        request: { method: 'PUT', url: `Encounter/vol-e${p}-${e}` },
      });
    }
    const response = await records.app.inject({
      method: 'POST',
      url: '/fhir/R4',
      headers: json,
      payload: JSON.stringify({ resourceType: 'Bundle', type: 'batch', entry }),
    });
    if (response.statusCode !== 200) throw new Error(response.body);
  }
}

beforeAll(async () => {
  database = await createTestPostgresDatabase({ poolSize: 10 });
  records = await startRecordsApp(database.db);
  await loadFixtures(records);
}, 120_000);
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

searchSuite(() => ({ records, db: database.db }));

describe('query plans on PostgreSQL', () => {
  it('reads every records table of the common searches through an index after ANALYZE', async () => {
    await loadVolume(150); // 2,550 resources, ~35,000 index rows
    await database.db.exec('ANALYZE');
    const searches: [string, string][] = [
      ['Observation', 'patient=vol-p7&code=http://loinc.org|1003-1&_sort=-date&_count=10'],
      ['Patient', 'name=family12&birthdate=1952'],
      ['Patient', 'identifier=urn:vol|V42'],
      ['Condition', 'code=http://snomed.info/sct|1010&_include=Condition:subject'],
      ['Encounter', 'patient=vol-p9&date=ge2021-01-01'],
      ['Observation', 'subject:Patient.name=given123&code=1001-1'],
      ['Observation', 'subject:Patient.identifier=urn:vol|V5'],
      ['Patient', '_has:Observation:patient:code=1002-1&family=family33'],
      ['Observation', 'value-quantity=gt60|http://unitsofmeasure.org|kg&patient=vol-p3'],
      ['Patient', '_id=vol-p1,vol-p2'],
      ['Observation', '_count=10'],
    ];
    const scanned: string[] = [];
    for (const [type, query] of searches) {
      const parsed = parseSearch(query, {
        types: [type],
        system: false,
        lenient: false,
        defaultCount: 20,
        maxCount: 100,
      });
      const ctx = newSqlContext('http://localhost/fhir/R4', new Date());
      const { sql } = pageStatement(ctx, {
        criteria: parsed.criteria,
        sort: parsed.sort,
        count: parsed.count,
        cursor: undefined,
      });
      const tables = await seqScansOn(database.db, sql, ctx.params);
      if (tables.length > 0) scanned.push(`${type}?${query}: ${tables.join(', ')}`);
      // and the search answers through the API
      expect((await records.app.inject({ url: `/fhir/R4/${type}?${query}` })).statusCode).toBe(200);
    }
    expect(scanned).toEqual([]);
    const page = body<{ entry: { resource: { id: string } }[] }>(
      await records.app.inject({ url: '/fhir/R4/Observation?patient=vol-p7&_sort=-date&_count=3' }),
    );
    expect(page.entry.map((entry) => entry.resource.id)).toHaveLength(3);
  }, 600_000);

  it('answers _total=accurate beyond the bound with an estimate and a warning', async () => {
    const bounded = await startRecordsApp(database.db, { RECORDS_SEARCH_TOTAL_BOUND: '100' });
    try {
      const response = await bounded.app.inject({ url: '/fhir/R4/Observation?_total=accurate&_count=1' });
      const bundle = body<{ total: number; entry: { search: { mode: string } }[] }>(response);
      expect(bundle.total).toBeGreaterThan(100);
      expect(bundle.entry.some((entry) => entry.search.mode === 'outcome')).toBe(true);
      const small = body<{ total: number; entry: { search: { mode: string } }[] }>(
        await bounded.app.inject({ url: '/fhir/R4/Patient?_total=accurate&_count=1&family=family1' }),
      );
      expect(small.total).toBeLessThanOrEqual(100);
      expect(small.entry.some((entry) => entry.search.mode === 'outcome')).toBe(false);
    } finally {
      await bounded.stop();
    }
  });
});
