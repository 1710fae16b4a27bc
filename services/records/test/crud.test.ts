// create, read, vread, update (and update-as-create), delete: status codes, headers, versions, Prefer,
// _summary/_elements, and the no-op update — over real HTTP semantics on in-memory PGlite.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, countRows, type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp;
const json = { 'content-type': 'application/fhir+json' };

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db);
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

const post = (type: string, payload: unknown, headers: Record<string, string> = {}) =>
  records.app.inject({
    method: 'POST',
    url: `/fhir/R4/${type}`,
    headers: { ...json, ...headers },
    payload: JSON.stringify(payload),
  });
const put = (path: string, payload: unknown, headers: Record<string, string> = {}) =>
  records.app.inject({
    method: 'PUT',
    url: `/fhir/R4/${path}`,
    headers: { ...json, ...headers },
    payload: JSON.stringify(payload),
  });
const get = (path: string, headers: Record<string, string> = {}) =>
  records.app.inject({ url: `/fhir/R4/${path}`, headers });

describe('create', () => {
  it('assigns the id, version 1 and lastUpdated, and answers 201 with Location, ETag and Last-Modified', async () => {
    const response = await post('Patient', { resourceType: 'Patient', id: 'ignored', gender: 'female' });
    expect(response.statusCode).toBe(201);
    const created = body(response) as { id: string; meta: { versionId: string; lastUpdated: string } };
    expect(created.id).toMatch(/^id-\d+$/);
    expect(created.meta.versionId).toBe('1');
    expect(created.meta.lastUpdated).toMatch(/^2026-01-01T00:00:00\.\d{3}Z$/);
    expect(response.headers.etag).toBe('W/"1"');
    expect(response.headers.location).toBe(`http://localhost:80/fhir/R4/Patient/${created.id}/_history/1`);
    expect(response.headers['last-modified']).toBe('Thu, 01 Jan 2026 00:00:00 GMT');
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  });

  it('keeps client meta (profile, tag) but replaces versionId and lastUpdated', async () => {
    const response = await post('Patient', {
      resourceType: 'Patient',
      meta: { versionId: '99', lastUpdated: '2000-01-01T00:00:00Z', tag: [{ system: 'urn:t', code: 'x' }] },
    });
    const meta = body(response).meta as Record<string, unknown>;
    expect(meta.versionId).toBe('1');
    expect(meta.lastUpdated).not.toBe('2000-01-01T00:00:00Z');
    expect(meta.tag).toEqual([{ system: 'urn:t', code: 'x' }]);
  });

  it('accepts media type parameters (charset, fhirVersion)', async () => {
    const response = await post(
      'Patient',
      { resourceType: 'Patient' },
      {
        'content-type': 'application/fhir+json; fhirVersion=4.0; charset=utf-8',
        accept: 'application/fhir+json; fhirVersion=4.0',
      },
    );
    expect(response.statusCode).toBe(201);
  });

  it('accepts application/json and _format=json', async () => {
    const response = await records.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient?_format=json',
      headers: { 'content-type': 'application/json' },
      payload: '{"resourceType":"Patient"}',
    });
    expect(response.statusCode).toBe(201);
  });
});

describe('Prefer', () => {
  it('return=minimal answers with headers and no body', async () => {
    const response = await post('Patient', { resourceType: 'Patient' }, { prefer: 'return=minimal' });
    expect(response.statusCode).toBe(201);
    expect(response.body).toBe('');
    expect(response.headers.location).toMatch(/\/Patient\/id-\d+\/_history\/1$/);
  });

  it('return=OperationOutcome answers with an information outcome', async () => {
    const response = await post(
      'Patient',
      { resourceType: 'Patient' },
      { prefer: 'return=OperationOutcome' },
    );
    expect(response.statusCode).toBe(201);
    const outcome = body(response) as { resourceType: string; issue: Array<{ severity: string }> };
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]!.severity).toBe('information');
  });

  it('return=representation (and the default) answers with the resource', async () => {
    const response = await post('Patient', { resourceType: 'Patient' }, { prefer: 'return=representation' });
    expect(body(response).resourceType).toBe('Patient');
  });
});

describe('read and vread', () => {
  it('returns the stored bytes exactly, with ETag and Last-Modified', async () => {
    const created = await post('Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      valueQuantity: { value: 1.5, unit: 'mmol/L' },
    });
    const id = body(created).id as string;
    const read = await get(`Observation/${id}`);
    expect(read.statusCode).toBe(200);
    expect(read.body).toBe(created.body);
    expect(read.headers.etag).toBe('W/"1"');
    expect(read.headers['last-modified']).toBe(created.headers['last-modified']);
    const vread = await get(`Observation/${id}/_history/1`);
    expect(vread.statusCode).toBe(200);
    expect(vread.body).toBe(created.body);
  });

  it('answers 404 for an unknown id or version and for an unknown type', async () => {
    expect((await get('Patient/nope')).statusCode).toBe(404);
    const id = body(await post('Patient', { resourceType: 'Patient' })).id as string;
    expect((await get(`Patient/${id}/_history/2`)).statusCode).toBe(404);
    expect((await get(`Patient/${id}/_history/x`)).statusCode).toBe(404);
    const unknownType = await get('Spaceship/1');
    expect(unknownType.statusCode).toBe(404);
    expect(body(unknownType).resourceType).toBe('OperationOutcome');
  });

  it('supports _summary and _elements', async () => {
    const id = body(
      await post('Patient', {
        resourceType: 'Patient',
        text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' },
        gender: 'male',
        birthDate: '1970-01-01',
        photo: [{ contentType: 'image/png' }],
      }),
    ).id as string;
    const summary = body(await get(`Patient/${id}?_summary=true`));
    expect(summary.gender).toBe('male');
    expect(summary.photo).toBeUndefined();
    expect(JSON.stringify(summary.meta)).toContain('SUBSETTED');
    const text = body(await get(`Patient/${id}?_summary=text`));
    expect(text.text).toBeDefined();
    expect(text.gender).toBeUndefined();
    const data = body(await get(`Patient/${id}?_summary=data`));
    expect(data.text).toBeUndefined();
    expect(data.photo).toBeDefined();
    const full = body(await get(`Patient/${id}?_summary=false`));
    expect(full.photo).toBeDefined();
    const elements = body(await get(`Patient/${id}/_history/1?_elements=birthDate`));
    expect(elements.birthDate).toBe('1970-01-01');
    expect(elements.gender).toBeUndefined();
    expect(elements.id).toBe(id);
    expect((await get(`Patient/${id}?_summary=count`)).statusCode).toBe(400);
  });
});

describe('update', () => {
  it('makes version 2 with ETag and Location, and update-as-create answers 201', async () => {
    const created = await put('Patient/pat-upd', {
      resourceType: 'Patient',
      id: 'pat-upd',
      gender: 'female',
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.etag).toBe('W/"1"');
    const updated = await put('Patient/pat-upd', { resourceType: 'Patient', id: 'pat-upd', gender: 'male' });
    expect(updated.statusCode).toBe(200);
    expect(updated.headers.etag).toBe('W/"2"');
    expect(updated.headers.location).toBe('http://localhost:80/fhir/R4/Patient/pat-upd/_history/2');
    expect(body(await get('Patient/pat-upd/_history/1')).gender).toBe('female');
    expect(body(await get('Patient/pat-upd')).gender).toBe('male');
  });

  it('does not make a new version when the content equals the current one (meta ignored)', async () => {
    await put('Patient/pat-same', { resourceType: 'Patient', id: 'pat-same', active: true });
    const before = await countRows(database.db, 'resource_version');
    const again = await put('Patient/pat-same', {
      resourceType: 'Patient',
      active: true,
      id: 'pat-same',
      meta: { versionId: '7' },
    });
    expect(again.statusCode).toBe(200);
    expect(again.headers.etag).toBe('W/"1"');
    expect(await countRows(database.db, 'resource_version')).toBe(before);
  });

  it('refuses a body whose id is missing or differs from the URL', async () => {
    expect((await put('Patient/a1', { resourceType: 'Patient' })).statusCode).toBe(400);
    expect((await put('Patient/a1', { resourceType: 'Patient', id: 'b1' })).statusCode).toBe(400);
    expect((await get('Patient/a1')).statusCode).toBe(404);
  });

  it('honours If-Match in weak and strong form, and answers 412 on a stale version or missing resource', async () => {
    await put('Patient/pat-m', { resourceType: 'Patient', id: 'pat-m', active: true });
    const weak = await put(
      'Patient/pat-m',
      { resourceType: 'Patient', id: 'pat-m', active: false },
      { 'if-match': 'W/"1"' },
    );
    expect(weak.statusCode).toBe(200);
    const strong = await put(
      'Patient/pat-m',
      { resourceType: 'Patient', id: 'pat-m', gender: 'other' },
      { 'if-match': '"2"' },
    );
    expect(strong.statusCode).toBe(200);
    const stale = await put(
      'Patient/pat-m',
      { resourceType: 'Patient', id: 'pat-m' },
      { 'if-match': 'W/"2"' },
    );
    expect(stale.statusCode).toBe(412);
    expect(body(stale).resourceType).toBe('OperationOutcome');
    const missing = await put(
      'Patient/pat-none',
      { resourceType: 'Patient', id: 'pat-none' },
      { 'if-match': 'W/"1"' },
    );
    expect(missing.statusCode).toBe(412);
    expect((await get('Patient/pat-none')).statusCode).toBe(404);
    expect(
      (await put('Patient/pat-m', { resourceType: 'Patient', id: 'pat-m' }, { 'if-match': 'W/3' }))
        .statusCode,
    ).toBe(400);
  });
});

describe('delete', () => {
  it('writes a deleted version: read is 410, vread of old versions still works, history shows it', async () => {
    await put('Patient/pat-del', { resourceType: 'Patient', id: 'pat-del' });
    const deleted = await records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient/pat-del' });
    expect(deleted.statusCode).toBe(204);
    expect(deleted.headers.etag).toBe('W/"2"');
    const read = await get('Patient/pat-del');
    expect(read.statusCode).toBe(410);
    expect(body(read).resourceType).toBe('OperationOutcome');
    expect((await get('Patient/pat-del/_history/1')).statusCode).toBe(200);
    expect((await get('Patient/pat-del/_history/2')).statusCode).toBe(410);
    const history = body(await get('Patient/pat-del/_history')) as { entry: Array<Record<string, unknown>> };
    expect(history.entry[0]!.request).toEqual({ method: 'DELETE', url: 'Patient/pat-del' });
    expect(history.entry[0]!.resource).toBeUndefined();
  });

  it('answers 204 for a resource that does not exist or is already deleted, writing nothing', async () => {
    const before = await countRows(database.db, 'resource_version');
    expect((await records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient/never' })).statusCode).toBe(
      204,
    );
    expect((await records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient/pat-del' })).statusCode).toBe(
      204,
    );
    expect(await countRows(database.db, 'resource_version')).toBe(before);
  });

  it('update after delete brings the resource back as a new version', async () => {
    await put('Patient/pat-back', { resourceType: 'Patient', id: 'pat-back' });
    await records.app.inject({ method: 'DELETE', url: '/fhir/R4/Patient/pat-back' });
    const back = await put('Patient/pat-back', { resourceType: 'Patient', id: 'pat-back', active: true });
    expect(back.statusCode).toBe(201);
    expect(back.headers.etag).toBe('W/"3"');
  });
});
