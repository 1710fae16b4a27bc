// PATCH over HTTP: JSON Patch makes a new version; the result must validate; resourceType and id are
// immutable; formats other than JSON Patch and FHIRPath Patch are 415; If-Match applies; failures store nothing.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { body, countRows, type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db);
  await records.app.inject({
    method: 'PUT',
    url: '/fhir/R4/Patient/p1',
    headers: { 'content-type': 'application/fhir+json' },
    payload: { resourceType: 'Patient', id: 'p1', active: true, name: [{ family: 'Doe' }] },
  });
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

const patch = (operations: unknown, headers: Record<string, string> = {}, id = 'p1') =>
  records.app.inject({
    method: 'PATCH',
    url: `/fhir/R4/Patient/${id}`,
    headers: { 'content-type': 'application/json-patch+json', ...headers },
    payload: JSON.stringify(operations),
  });

it('applies a JSON Patch as a new version, with Prefer honoured', async () => {
  const response = await patch([
    { op: 'test', path: '/active', value: true },
    { op: 'replace', path: '/active', value: false },
    { op: 'add', path: '/gender', value: 'female' },
  ]);
  expect(response.statusCode).toBe(200);
  expect(response.headers.etag).toBe('W/"2"');
  expect(response.headers.location).toBe('http://localhost:80/fhir/R4/Patient/p1/_history/2');
  const patched = body(response);
  expect(patched).toMatchObject({ active: false, gender: 'female', meta: { versionId: '2' } });
  const minimal = await patch([{ op: 'replace', path: '/gender', value: 'male' }], {
    prefer: 'return=minimal',
  });
  expect(minimal.statusCode).toBe(200);
  expect(minimal.body).toBe('');
  const history = body(await records.app.inject({ url: '/fhir/R4/Patient/p1/_history' })) as {
    entry: Array<{ request: { method: string } }>;
  };
  expect(history.entry[0]!.request.method).toBe('PATCH');
});

it('refuses what would store nothing sensible, storing nothing', async () => {
  const before = await countRows(database.db, 'resource_version');
  const failedTest = await patch([
    { op: 'test', path: '/active', value: true },
    { op: 'remove', path: '/name' },
  ]);
  expect(failedTest.statusCode).toBe(422);
  expect(body(failedTest).resourceType).toBe('OperationOutcome');
  expect((await patch([{ op: 'replace', path: '/id', value: 'p2' }])).statusCode).toBe(422);
  expect((await patch([{ op: 'replace', path: '/resourceType', value: 'Group' }])).statusCode).toBe(422);
  const invalid = await patch([{ op: 'add', path: '/gender', value: 42 }]);
  expect(invalid.statusCode).toBe(400);
  expect((body(invalid).issue as unknown[]).length).toBeGreaterThan(0);
  expect((await patch({ op: 'add' })).statusCode).toBe(400);
  expect(
    (await patch([{ op: 'add', path: '/gender', value: 'x' }], { 'if-match': 'W/"1"' })).statusCode,
  ).toBe(412);
  expect(await countRows(database.db, 'resource_version')).toBe(before);
});

it('answers 415 for other patch formats, 404 for an absent and 410 for a deleted resource', async () => {
  const mergePatch = await records.app.inject({
    method: 'PATCH',
    url: '/fhir/R4/Patient/p1',
    headers: { 'content-type': 'application/merge-patch+json' },
    payload: { active: false },
  });
  expect(mergePatch.statusCode).toBe(415);
  const xml = await records.app.inject({
    method: 'PATCH',
    url: '/fhir/R4/Patient/p1',
    headers: { 'content-type': 'application/xml-patch+xml' },
    payload: '<diff/>',
  });
  expect(xml.statusCode).toBe(415);
  expect((await patch([{ op: 'add', path: '/active', value: true }], {}, 'absent')).statusCode).toBe(404);
  await records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient/p1' });
  expect((await patch([{ op: 'add', path: '/active', value: true }])).statusCode).toBe(410);
});
