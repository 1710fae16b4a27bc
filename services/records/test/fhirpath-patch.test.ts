// FHIRPath Patch, conditional reads and If-Match on delete on PGlite (the same suite runs on PostgreSQL
// in records.int.test.ts), plus the patch engine alone on a resource.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyFhirPathPatch } from '../src/domain/fhirpath-patch.ts';
import { operation, readAndPatchSuite } from './support/read-patch-suite.ts';
import { type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db);
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

readAndPatchSuite(() => ({ records, db: database.db }));

it('patches a copy, keeps primitive companions in step, and finds choice elements by their name', () => {
  const resource = {
    resourceType: 'Patient',
    id: 'p',
    deceasedBoolean: false,
    name: [{ given: ['a', 'b'], _given: [{ id: 'g1' }, { id: 'g2' }] }],
  };
  const patched = applyFhirPathPatch(resource, {
    resourceType: 'Parameters',
    parameter: [
      operation('delete', 'Patient.name[0].given[0]'),
      operation('replace', 'Patient.deceased', { value: { valueBoolean: true } }),
    ],
  });
  expect(patched).toEqual({
    resourceType: 'Patient',
    id: 'p',
    deceasedBoolean: true,
    name: [{ given: ['b'], _given: [{ id: 'g2' }] }],
  });
  expect(resource.name[0]!.given).toEqual(['a', 'b']);
  expect(() => applyFhirPathPatch(resource, { resourceType: 'Bundle' })).toThrow(/Parameters/);
  expect(() =>
    applyFhirPathPatch(resource, { resourceType: 'Parameters', parameter: [{ name: 'other', part: [] }] }),
  ).toThrow(/operation/);
});
