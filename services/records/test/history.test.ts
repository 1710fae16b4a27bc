// History at instance, type and system level: newest first, request/response per entry, _since,
// bounded _count, and keyset paging that stays stable while new versions are written.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, type RecordsApp, startRecordsApp } from './support/records-app.ts';

interface Entry {
  fullUrl: string;
  resource?: { id: string; meta: { versionId: string; lastUpdated: string } };
  request: { method: string; url: string };
  response: { status: string; etag: string; lastModified: string };
}
interface HistoryBundle {
  resourceType: string;
  type: string;
  link: Array<{ relation: string; url: string }>;
  entry: Entry[];
}

let database: TestDatabase;
let records: RecordsApp;
const json = { 'content-type': 'application/fhir+json' };
let sinceMark = '';

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db, {
    RECORDS_HISTORY_DEFAULT_COUNT: '3',
    RECORDS_HISTORY_MAX_COUNT: '5',
  });
  const write = (method: 'PUT' | 'DELETE', path: string, payload?: unknown) =>
    records.app.inject({
      method,
      url: `/fhir/R4/${path}`,
      ...(payload ? { headers: json, payload: JSON.stringify(payload) } : {}),
    });
  await records.app.inject({
    method: 'POST',
    url: '/fhir/R4/Patient',
    headers: json,
    payload: '{"resourceType":"Patient"}',
  });
  await write('PUT', 'Patient/h1', { resourceType: 'Patient', id: 'h1', active: true });
  await write('PUT', 'Patient/h1', { resourceType: 'Patient', id: 'h1', active: false });
  records.advance(60_000);
  sinceMark = '2026-01-01T00:00:30Z';
  await write('PUT', 'Organization/o1', { resourceType: 'Organization', id: 'o1', name: 'Clinic' });
  await write('DELETE', 'Patient/h1');
  await write('PUT', 'Patient/h2', { resourceType: 'Patient', id: 'h2' });
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

const history = async (path: string) => {
  const response = await records.app.inject({
    url: path.startsWith('http') ? new URL(path).pathname + new URL(path).search : `/fhir/R4/${path}`,
  });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  return body<HistoryBundle>(response);
};

describe('instance history', () => {
  it('lists every version newest first, the deletion as a DELETE entry without resource', async () => {
    const bundle = await history('Patient/h1/_history');
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'history' });
    expect(bundle.entry.map((entry) => entry.request)).toEqual([
      { method: 'DELETE', url: 'Patient/h1' },
      { method: 'PUT', url: 'Patient/h1' },
      { method: 'PUT', url: 'Patient/h1' },
    ]);
    expect(bundle.entry.map((entry) => entry.response.status)).toEqual([
      '204 No Content',
      '200 OK',
      '201 Created',
    ]);
    expect(bundle.entry[0]!.resource).toBeUndefined();
    expect(bundle.entry[1]!.resource!.meta.versionId).toBe('2');
    expect(bundle.entry[1]!.response.etag).toBe('W/"2"');
    expect(bundle.entry[1]!.fullUrl).toBe('http://localhost:80/fhir/R4/Patient/h1');
  });

  it('answers 404 for a resource that never existed', async () => {
    expect((await records.app.inject({ url: '/fhir/R4/Patient/nobody/_history' })).statusCode).toBe(404);
  });
});

describe('type and system history', () => {
  it('type history holds only that type', async () => {
    const bundle = await history('Organization/_history');
    expect(bundle.entry.map((entry) => entry.request.url)).toEqual(['Organization/o1']);
  });

  it('system history spans types, and _since keeps only later versions', async () => {
    const all = await history('_history?_count=5');
    expect(all.entry).toHaveLength(5);
    expect(all.entry[0]!.request.url).toBe('Patient/h2');
    const since = await history(`_history?_since=${sinceMark}`);
    expect(since.entry.map((entry) => entry.request.url)).toEqual([
      'Patient/h2',
      'Patient/h1',
      'Organization/o1',
    ]);
    expect((await records.app.inject({ url: '/fhir/R4/_history?_since=yesterday' })).statusCode).toBe(400);
    expect((await records.app.inject({ url: '/fhir/R4/_history?_count=0' })).statusCode).toBe(400);
    expect((await records.app.inject({ url: '/fhir/R4/_history?_cursor=abc' })).statusCode).toBe(400);
  });

  it('clamps _count to the maximum', async () => {
    expect((await history('_history?_count=500')).entry).toHaveLength(5);
  });

  it('pages with stable next links: writes after the first page do not shift later pages', async () => {
    const first = await history('_history?_count=2');
    expect(first.link[0]).toMatchObject({ relation: 'self' });
    const next = first.link.find((link) => link.relation === 'next')!;
    expect(next.url).toMatch(/_cursor=\d+/);
    // A write between pages must not repeat or skip anything on the following pages.
    await records.app.inject({
      method: 'PUT',
      url: '/fhir/R4/Patient/h3',
      headers: json,
      payload: '{"resourceType":"Patient","id":"h3"}',
    });
    const seen = first.entry.map((entry) => `${entry.request.url}@${entry.response.etag}`);
    let link: string | undefined = next.url;
    while (link) {
      const page = await history(link);
      seen.push(...page.entry.map((entry) => `${entry.request.url}@${entry.response.etag}`));
      link = page.link.find((candidate) => candidate.relation === 'next')?.url;
    }
    expect(seen).toEqual([
      'Patient/h2@W/"1"',
      'Patient/h1@W/"3"',
      'Organization/o1@W/"1"',
      'Patient/h1@W/"2"',
      'Patient/h1@W/"1"',
      expect.stringMatching(/^Patient@W\/"1"$/),
    ]);
  });
});
