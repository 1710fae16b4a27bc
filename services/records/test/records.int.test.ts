// The key flows on the real PostgreSQL (pooled connections, real concurrency): conditional
// operations and both races, CRUD with versions and history paging, and events via the outbox.
import { type Bus, createInProcessBus } from '@healthlane/bus';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { conditionalSuite } from './support/conditional-suite.ts';
import { eventsSuite } from './support/events-suite.ts';
import { readAndPatchSuite } from './support/read-patch-suite.ts';
import { body, type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestPostgresDatabase;
let bus: Bus;
let records: RecordsApp;
const json = { 'content-type': 'application/fhir+json' };

interface HistoryPage {
  entry: Array<{ request: { method: string } }>;
  link: Array<{ relation: string; url: string }>;
}

beforeAll(async () => {
  database = await createTestPostgresDatabase({ poolSize: 10 });
  bus = await createInProcessBus({ db: database.db });
  records = await startRecordsApp(database.db, { RECORDS_HISTORY_DEFAULT_COUNT: '2' }, { bus });
});
afterAll(async () => {
  await records?.stop();
  await bus?.close();
  await database?.drop();
});

conditionalSuite(() => ({ records, db: database.db }));
eventsSuite(() => ({ db: database.db, bus }));
readAndPatchSuite(() => ({ records, db: database.db }));

it('creates, updates, patches, deletes and pages through history on PostgreSQL', async () => {
  const created = await records.app.inject({
    method: 'POST',
    url: '/fhir/R4/Patient',
    headers: json,
    payload: '{"resourceType":"Patient"}',
  });
  expect(created.statusCode).toBe(201);
  const id = body(created).id as string;
  const updated = await records.app.inject({
    method: 'PUT',
    url: `/fhir/R4/Patient/${id}`,
    headers: { ...json, 'if-match': 'W/"1"' },
    payload: JSON.stringify({ resourceType: 'Patient', id, active: true }),
  });
  expect(updated.headers.etag).toBe('W/"2"');
  const patched = await records.app.inject({
    method: 'PATCH',
    url: `/fhir/R4/Patient/${id}`,
    headers: { 'content-type': 'application/json-patch+json' },
    payload: '[{"op":"replace","path":"/active","value":false}]',
  });
  expect(patched.headers.etag).toBe('W/"3"');
  expect((await records.app.inject({ method: 'DELETE', url: `/fhir/R4/Patient/${id}` })).statusCode).toBe(
    204,
  );
  expect((await records.app.inject({ url: `/fhir/R4/Patient/${id}` })).statusCode).toBe(410);
  expect((await records.app.inject({ url: `/fhir/R4/Patient/${id}/_history/3` })).body).toBe(patched.body);

  const methods: string[] = [];
  let url: string | undefined = `/fhir/R4/Patient/${id}/_history`;
  while (url) {
    const page: HistoryPage = body<HistoryPage>(await records.app.inject({ url }));
    expect(page.entry.length).toBeLessThanOrEqual(2);
    methods.push(...page.entry.map((entry) => entry.request.method));
    const next: string | undefined = page.link.find((link) => link.relation === 'next')?.url;
    url = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
  }
  expect(methods).toEqual(['DELETE', 'PATCH', 'PUT', 'POST']);
});
