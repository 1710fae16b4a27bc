// Read coalescing: concurrent reads by id share one statement and each gets its own answer —
// current version, deleted, or absent — over a real (PGlite) records store.
import type { SqlExecutor } from '@healthlane/store';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadCoalescer } from '../src/store/read-coalescer.ts';
import { body, type RecordsApp, startRecordsApp } from './support/records-app.ts';

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

async function create(type: string, resource: Record<string, unknown>): Promise<string> {
  const response = await records.app.inject({
    method: 'POST',
    url: `/fhir/R4/${type}`,
    headers: json,
    payload: JSON.stringify({ resourceType: type, ...resource }),
  });
  expect(response.statusCode).toBe(201);
  return body(response).id as string;
}

/** The real database, counting the statements that reach it. */
function counting(db: SqlExecutor): { executor: SqlExecutor; statements: string[] } {
  const statements: string[] = [];
  const executor: SqlExecutor = {
    query: (text: string, params?: unknown[]) => {
      statements.push(text);
      return db.query(text, params as never);
    },
  } as SqlExecutor;
  return { executor, statements };
}

describe('read coalescing', () => {
  it('answers concurrent reads of one type with one statement, each with its own version', async () => {
    const ids = await Promise.all(
      Array.from({ length: 12 }, (_, n) => create('Patient', { gender: n % 2 ? 'male' : 'female' })),
    );
    const { executor, statements } = counting(database.db);
    const read = createReadCoalescer(executor);
    const found = await Promise.all([...ids, 'no-such-id', ids[0]!].map((id) => read('Patient', id)));
    expect(statements).toHaveLength(1);
    for (const [n, version] of found.slice(0, 12).entries()) {
      expect(version?.versionId).toBe(1);
      expect(JSON.parse(version!.json!).gender).toBe(n % 2 ? 'male' : 'female');
    }
    expect(found[12]).toBeUndefined();
    expect(found[13]?.json).toBe(found[0]?.json);
  });

  it('mixes types in one statement, and reports deletions', async () => {
    const patient = await create('Patient', { gender: 'other' });
    const practitioner = await create('Practitioner', { active: true });
    const gone = await create('Organization', { name: 'Closed clinic' });
    const deleted = await records.app.inject({ method: 'DELETE', url: `/fhir/R4/Organization/${gone}` });
    expect(deleted.statusCode).toBeLessThan(300);
    const { executor, statements } = counting(database.db);
    const read = createReadCoalescer(executor);
    const [p, pr, org, wrongType] = await Promise.all([
      read('Patient', patient),
      read('Practitioner', practitioner),
      read('Organization', gone),
      read('Practitioner', patient),
    ]);
    expect(statements).toHaveLength(1);
    expect(JSON.parse(p!.json!).resourceType).toBe('Patient');
    expect(JSON.parse(pr!.json!).resourceType).toBe('Practitioner');
    expect(org).toMatchObject({ deleted: true, versionId: 2, json: null });
    expect(wrongType).toBeUndefined();
  });

  it('sees a write that committed before the read was asked for, and splits at the batch bound', async () => {
    const { executor, statements } = counting(database.db);
    const read = createReadCoalescer(executor, 4);
    const id = await create('Patient', { gender: 'female' });
    await records.app.inject({
      method: 'PUT',
      url: `/fhir/R4/Patient/${id}`,
      headers: json,
      payload: JSON.stringify({ resourceType: 'Patient', id, gender: 'male' }),
    });
    const found = await Promise.all(Array.from({ length: 10 }, () => read('Patient', id)));
    expect(statements).toHaveLength(3);
    for (const version of found) expect(version).toMatchObject({ versionId: 2 });
  });

  it('rejects every waiting read when the statement fails', async () => {
    const failing: SqlExecutor = {
      query: () => Promise.reject(new Error('connection lost')),
    } as unknown as SqlExecutor;
    const read = createReadCoalescer(failing);
    const results = await Promise.allSettled([read('Patient', 'a'), read('Patient', 'b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('serves the REST read through the coalescer: concurrent GETs all answer correctly', async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => create('Patient', { gender: 'unknown' })));
    const responses = await Promise.all(
      [...ids, 'missing-one'].map((id) => records.app.inject({ url: `/fhir/R4/Patient/${id}` })),
    );
    expect(responses.map((response) => response.statusCode)).toEqual([...ids.map(() => 200), 404]);
    expect(responses.slice(0, 8).map((response) => body(response).id)).toEqual(ids);
  });
});
