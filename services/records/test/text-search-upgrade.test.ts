// A store written before text search (schema 2, search index v2: no text_index) upgrades at start:
// migration 3 creates the text index and the re-index fills it, so _content and _text find the
// resources written before. Then the version write keeps it current.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchIndexVersion } from '../src/store/reindex.ts';
import { body, type RecordsApp, startRecordsApp } from './support/records-app.ts';
import { put } from './support/search-fixtures.ts';

let database: TestDatabase;
let records: RecordsApp | undefined;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

const ids = async (url: string) => {
  const response = await records!.app.inject({ url });
  expect(response.statusCode, url).toBe(200);
  return (body<{ entry?: { resource: { id: string } }[] }>(response).entry ?? [])
    .map((e) => e.resource.id)
    .sort();
};

describe('text search upgrade', () => {
  it('creates and fills the text index for resources written before it existed', async () => {
    records = await startRecordsApp(database.db);
    await put(records, {
      resourceType: 'Patient',
      id: 'old-1',
      text: {
        status: 'generated',
        div: '<div xmlns="http://www.w3.org/1999/xhtml">Allergic to penicillin</div>',
      },
      name: [{ family: 'Ancienne' }],
    });
    await put(records, { resourceType: 'Patient', id: 'old-2', name: [{ family: 'Kowalski' }] });
    await records.stop();
    records = undefined;
    // Back to the state before text search: no text_index, migration 3 not applied, index v2.
    await database.db.query('DROP TABLE records.text_index');
    await database.db.query(
      "DELETE FROM public.healthlane_migrations WHERE namespace = 'records' AND version = 3",
    );
    await database.db.query('UPDATE records.search_index_state SET version = 2');

    records = await startRecordsApp(database.db);
    const state = await database.db.query<{ version: number }>(
      'SELECT version FROM records.search_index_state',
    );
    expect(state.rows[0]!.version).toBe(searchIndexVersion);
    expect(searchIndexVersion).toBe(3);
    expect(await ids('/fhir/R4/Patient?_text=penicillin')).toEqual(['old-1']);
    expect(await ids('/fhir/R4/Patient?_content=ancienne')).toEqual(['old-1']);
    expect(await ids('/fhir/R4/Patient?_content=kowalski')).toEqual(['old-2']);
    const rows = await database.db.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM records.text_index',
    );
    expect(rows.rows[0]!.count).toBe(3); // _content of both, _text of old-1
  });
});
