// Malformed input: every case is a 4xx OperationOutcome (never a 5xx), echoes no value, and stores
// nothing — checked by counting versions, current rows, index rows and outbox rows.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { body, countRows, type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp;
const fhir = 'application/fhir+json';
const secret = 'SECRET-9731';

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db);
  await records.app.inject({
    method: 'PUT',
    url: '/fhir/R4/Patient/existing',
    headers: { 'content-type': fhir },
    payload: '{"resourceType":"Patient","id":"existing"}',
  });
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { extension: [value] };
  return value;
};

interface Case {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'GET' | 'DELETE';
  url: string;
  contentType?: string;
  headers?: Record<string, string>;
  payload?: string;
  status: number;
}

const cases: Case[] = [
  {
    name: 'bad JSON',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: `{"resourceType":"Patient",${secret}`,
    status: 400,
  },
  {
    name: 'empty body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '',
    status: 400,
  },
  { name: 'no body, no content type', method: 'POST', url: '/fhir/R4/Patient', status: 400 },
  {
    name: 'array body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '[{"resourceType":"Patient"}]',
    status: 400,
  },
  {
    name: 'string body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '"Patient"',
    status: 400,
  },
  {
    name: 'null body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: 'null',
    status: 400,
  },
  {
    name: 'no resourceType',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '{"gender":"male"}',
    status: 400,
  },
  {
    name: 'resourceType mismatch',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '{"resourceType":"Observation"}',
    status: 400,
  },
  {
    name: 'unknown type',
    method: 'POST',
    url: '/fhir/R4/Spaceship',
    contentType: fhir,
    payload: '{"resourceType":"Spaceship"}',
    status: 404,
  },
  {
    name: 'prototype poisoning',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '{"resourceType":"Patient","__proto__":{"x":1}}',
    status: 400,
  },
  {
    name: 'invalid element value',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: `{"resourceType":"Patient","birthDate":"${secret}"}`,
    status: 400,
  },
  // The unknown element's name is its location (FHIRPath expression), so it is not a secret here.
  {
    name: 'unknown element',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: `{"resourceType":"Patient","colour":"${secret}"}`,
    status: 400,
  },
  {
    name: 'meta not an object',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '{"resourceType":"Patient","meta":[1]}',
    status: 400,
  },
  {
    name: 'too deep',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: JSON.stringify({ resourceType: 'Patient', extension: [nested(100)] }),
    status: 400,
  },
  {
    name: 'very deep (parser stress)',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: `{"resourceType":"Patient","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}`,
    status: 400,
  },
  {
    name: 'huge body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: JSON.stringify({ resourceType: 'Patient', text: { div: 'x'.repeat(2 * 1024 * 1024) } }),
    status: 413,
  },
  {
    name: 'XML body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: 'application/fhir+xml',
    payload: '<Patient/>',
    status: 415,
  },
  {
    name: 'text body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: 'text/plain',
    payload: 'Patient',
    status: 415,
  },
  {
    name: 'Accept XML',
    method: 'GET',
    url: '/fhir/R4/Patient/existing',
    headers: { accept: 'application/fhir+xml' },
    status: 406,
  },
  { name: '_format xml', method: 'GET', url: '/fhir/R4/Patient/existing?_format=xml', status: 406 },
  {
    name: 'invalid id in URL',
    method: 'PUT',
    url: '/fhir/R4/Patient/bad_id!',
    contentType: fhir,
    payload: '{"resourceType":"Patient","id":"bad_id!"}',
    status: 400,
  },
  { name: 'id too long', method: 'GET', url: `/fhir/R4/Patient/${'a'.repeat(65)}`, status: 400 },
  {
    name: 'invalid id in body',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '{"resourceType":"Patient","id":"a b"}',
    status: 400,
  },
  {
    name: 'id mismatch',
    method: 'PUT',
    url: '/fhir/R4/Patient/abc',
    contentType: fhir,
    payload: '{"resourceType":"Patient","id":"abd"}',
    status: 400,
  },
  {
    name: 'id not a string',
    method: 'PUT',
    url: '/fhir/R4/Patient/abc',
    contentType: fhir,
    payload: '{"resourceType":"Patient","id":5}',
    status: 400,
  },
  {
    name: 'malformed If-Match',
    method: 'PUT',
    url: '/fhir/R4/Patient/existing',
    contentType: fhir,
    headers: { 'if-match': 'W/"' },
    payload: '{"resourceType":"Patient","id":"existing","active":true}',
    status: 400,
  },
  {
    name: 'empty If-None-Exist',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    headers: { 'if-none-exist': '' },
    payload: '{"resourceType":"Patient"}',
    status: 400,
  },
  {
    name: 'unknown criterion',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    headers: { 'if-none-exist': `nickname=${secret}` },
    payload: '{"resourceType":"Patient"}',
    status: 400,
  },
  {
    name: 'bad token',
    method: 'POST',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    headers: { 'if-none-exist': 'identifier=a|b|c' },
    payload: '{"resourceType":"Patient"}',
    status: 400,
  },
  {
    name: 'patch not an array',
    method: 'PATCH',
    url: '/fhir/R4/Patient/existing',
    contentType: 'application/json-patch+json',
    payload: '{"op":"add"}',
    status: 400,
  },
  {
    name: 'patch with a deeply nested value',
    method: 'PATCH',
    url: '/fhir/R4/Patient/existing',
    contentType: 'application/json-patch+json',
    payload: `[{"op":"add","path":"/extension","value":${'['.repeat(50_000)}${']'.repeat(50_000)}}]`,
    status: 400,
  },
  {
    name: 'patch test with a deeply nested value',
    method: 'PATCH',
    url: '/fhir/R4/Patient/existing',
    contentType: 'application/json-patch+json',
    payload: `[{"op":"test","path":"/id","value":${'['.repeat(50_000)}${']'.repeat(50_000)}}]`,
    status: 400,
  },
  {
    name: 'Bundle with a deeply nested resource',
    method: 'POST',
    url: '/fhir/R4',
    contentType: fhir,
    payload: `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient","extension":${'['.repeat(50_000)}${']'.repeat(50_000)}},"request":{"method":"POST","url":"Patient"}}]}`,
    status: 400,
  },
  {
    name: 'patch bad JSON',
    method: 'PATCH',
    url: '/fhir/R4/Patient/existing',
    contentType: 'application/json-patch+json',
    payload: '[{',
    status: 400,
  },
  {
    name: 'conditional update without criteria',
    method: 'PUT',
    url: '/fhir/R4/Patient',
    contentType: fhir,
    payload: '{"resourceType":"Patient"}',
    status: 400,
  },
  {
    name: '_summary and _elements together',
    method: 'GET',
    url: '/fhir/R4/Patient/existing?_summary=true&_elements=id',
    status: 400,
  },
];

it.each(cases)('$name → $status OperationOutcome, nothing stored', async (testCase) => {
  const tables = ['resource', 'resource_version', 'token_index', 'outbox'];
  const before = await Promise.all(tables.map((table) => countRows(database.db, table)));
  const response = await records.app.inject({
    method: testCase.method,
    url: testCase.url,
    headers: {
      ...(testCase.contentType ? { 'content-type': testCase.contentType } : {}),
      ...testCase.headers,
    },
    ...(testCase.payload === undefined ? {} : { payload: testCase.payload }),
  });
  expect(response.statusCode).toBe(testCase.status);
  expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
  const outcome = body(response) as { resourceType: string; issue: unknown[] };
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue.length).toBeGreaterThan(0);
  expect(response.body).not.toContain(secret);
  expect(await Promise.all(tables.map((table) => countRows(database.db, table)))).toEqual(before);
});
