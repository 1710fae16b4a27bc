// The one authorization hook: every interaction — REST, history, $validate, each Bundle entry —
// reaches it with its kind, type and id; a refusal is a 403 and stores nothing.
import { Problem } from '@healthlane/kit';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { Interaction } from '../src/index.ts';
import { countRows, type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp;
const seen: Interaction[] = [];
let refuse: ((interaction: Interaction) => boolean) | undefined;
const json = { 'content-type': 'application/fhir+json' };

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(
    database.db,
    {},
    {
      authorize: (_ctx, interaction) => {
        seen.push(interaction);
        if (refuse?.(interaction)) throw Problem.forbidden('Not allowed');
      },
    },
  );
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});
beforeEach(() => {
  seen.length = 0;
  refuse = undefined;
});

const summary = () =>
  seen.map(({ kind, type, id }) => [kind, type, id].filter((part) => part !== undefined).join(' '));

it('sees every REST interaction with its kind, type and id', async () => {
  const inject = records.app.inject.bind(records.app);
  await inject({
    method: 'PUT',
    url: '/fhir/R4/Patient/a1',
    headers: json,
    payload: '{"resourceType":"Patient","id":"a1"}',
  });
  await inject({ url: '/fhir/R4/Patient/a1' });
  await inject({ url: '/fhir/R4/Patient/a1/_history/1' });
  await inject({
    method: 'PATCH',
    url: '/fhir/R4/Patient/a1',
    headers: { 'content-type': 'application/json-patch+json' },
    payload: '[{"op":"add","path":"/active","value":true}]',
  });
  await inject({ url: '/fhir/R4/Patient/a1/_history' });
  await inject({ url: '/fhir/R4/Patient/_history' });
  await inject({ url: '/fhir/R4/_history' });
  await inject({
    method: 'POST',
    url: '/fhir/R4/Patient/$validate',
    headers: json,
    payload: '{"resourceType":"Patient"}',
  });
  await inject({ method: 'DELETE', url: '/fhir/R4/Patient/a1' });
  expect(summary()).toEqual([
    'update Patient a1',
    'read Patient a1',
    'vread Patient a1',
    'patch Patient a1',
    'history-instance Patient a1',
    'history-type Patient',
    'history-system',
    'validate Patient',
    'delete Patient a1',
  ]);
  expect(seen[0]!.resource).toMatchObject({ resourceType: 'Patient', id: 'a1' });
});

it('sees each entry of a transaction Bundle, and a refused entry rolls the whole Bundle back', async () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: 'urn:uuid:6f1c1b9e-0000-4000-8000-000000000001',
        resource: { resourceType: 'Patient' },
        request: { method: 'POST', url: 'Patient' },
      },
      {
        fullUrl: 'urn:uuid:6f1c1b9e-0000-4000-8000-000000000002',
        resource: {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: 'urn:uuid:6f1c1b9e-0000-4000-8000-000000000001' },
        },
        request: { method: 'POST', url: 'Observation' },
      },
    ],
  };
  const ok = await records.app.inject({
    method: 'POST',
    url: '/fhir/R4',
    headers: json,
    payload: JSON.stringify(bundle),
  });
  expect(ok.statusCode).toBe(200);
  expect(summary()).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^create Patient/),
      expect.stringMatching(/^create Observation/),
    ]),
  );

  const before = await Promise.all(
    ['resource_version', 'outbox'].map((table) => countRows(database.db, table)),
  );
  refuse = (interaction) => interaction.kind === 'create' && interaction.type === 'Observation';
  const refused = await records.app.inject({
    method: 'POST',
    url: '/fhir/R4',
    headers: json,
    payload: JSON.stringify(bundle),
  });
  expect(refused.statusCode).toBe(403);
  expect(
    await Promise.all(['resource_version', 'outbox'].map((table) => countRows(database.db, table))),
  ).toEqual(before);
});

it('answers 403 and stores nothing when the hook refuses a REST write or read', async () => {
  refuse = (interaction) => interaction.kind === 'create' || interaction.kind === 'read';
  const before = await countRows(database.db, 'resource_version');
  const write = await records.app.inject({
    method: 'POST',
    url: '/fhir/R4/Patient',
    headers: json,
    payload: '{"resourceType":"Patient"}',
  });
  expect(write.statusCode).toBe(403);
  expect(JSON.parse(write.body).resourceType).toBe('OperationOutcome');
  expect(await countRows(database.db, 'resource_version')).toBe(before);
  expect((await records.app.inject({ url: '/fhir/R4/Patient/a1' })).statusCode).toBe(403);
});

it('sees a conditional write as a search and a write', async () => {
  await records.app.inject({
    method: 'POST',
    url: '/fhir/R4/Patient',
    headers: { ...json, 'if-none-exist': 'identifier=urn:a|1' },
    payload: '{"resourceType":"Patient","identifier":[{"system":"urn:a","value":"1"}]}',
  });
  await records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient?identifier=urn:a|1' });
  expect(summary().map((line) => line.replace(/ id-\d+$/, ' <id>'))).toEqual([
    'create Patient',
    'search-type Patient',
    'search-type Patient',
    'delete Patient <id>',
  ]);
});
