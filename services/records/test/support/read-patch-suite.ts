// Conditional reads (If-None-Match / If-Modified-Since → 304), If-Match on DELETE (412 when stale) and
// FHIRPath Patch over HTTP, written once and run on PGlite (fhirpath-patch.test.ts) and PostgreSQL
// (records.int.test.ts).
import type { Database } from '@healthlane/store';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { body, countRows, type RecordsApp } from './records-app.ts';

const json = { 'content-type': 'application/fhir+json' };

type PartValue = Record<string, unknown>;

/** One FHIRPath Patch operation as a Parameters parameter. */
export function operation(type: string, path: string, more: Record<string, PartValue> = {}) {
  return {
    name: 'operation',
    part: [
      { name: 'type', valueCode: type },
      { name: 'path', valueString: path },
      ...Object.entries(more).map(([name, value]) => ({ name, ...value })),
    ],
  };
}

export function readAndPatchSuite(context: () => { records: RecordsApp; db: Database }): void {
  const inject = (options: InjectOptions) => context().records.app.inject(options);
  let counter = 0;
  const put = async (resource: Record<string, unknown>) => {
    const id = `rp-${++counter}`;
    const response = await inject({
      method: 'PUT',
      url: `/fhir/R4/Patient/${id}`,
      headers: json,
      payload: JSON.stringify({ resourceType: 'Patient', id, ...resource }),
    });
    expect(response.statusCode).toBe(201);
    return id;
  };
  const fhirPathPatch = (id: string, parameter: unknown[], headers: Record<string, string> = {}) =>
    inject({
      method: 'PATCH',
      url: `/fhir/R4/Patient/${id}`,
      headers: { ...json, ...headers },
      payload: JSON.stringify({ resourceType: 'Parameters', parameter }),
    });
  const read = (id: string, headers: Record<string, string>) =>
    inject({ url: `/fhir/R4/Patient/${id}`, headers });

  describe('conditional read', () => {
    it('answers 304 without a body when If-None-Match names the current version, else 200', async () => {
      const id = await put({ active: true });
      const current = await read(id, { 'if-none-match': 'W/"1"' });
      expect(current.statusCode).toBe(304);
      expect(current.body).toBe('');
      expect(current.headers.etag).toBe('W/"1"');
      expect((await read(id, { 'if-none-match': '"1"' })).statusCode).toBe(304);
      expect((await read(id, { 'if-none-match': 'W/"7", W/"1"' })).statusCode).toBe(304);
      expect((await read(id, { 'if-none-match': '*' })).statusCode).toBe(304);
      const stale = await read(id, { 'if-none-match': 'W/"0"' });
      expect(stale.statusCode).toBe(200);
      expect(body(stale)).toMatchObject({ id, active: true });
      // If-None-Match decides when both are sent.
      const both = await read(id, {
        'if-none-match': 'W/"0"',
        'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT',
      });
      expect(both.statusCode).toBe(200);
      const vread = await inject({
        url: `/fhir/R4/Patient/${id}/_history/1`,
        headers: { 'if-none-match': 'W/"1"' },
      });
      expect(vread.statusCode).toBe(304);
    });

    it('answers 304 when If-Modified-Since is not before the last update, ignoring a malformed date', async () => {
      const id = await put({ active: false });
      const lastModified = (await read(id, {})).headers['last-modified'] as string;
      expect((await read(id, { 'if-modified-since': lastModified })).statusCode).toBe(304);
      expect((await read(id, { 'if-modified-since': 'Fri, 01 Jan 2100 00:00:00 GMT' })).statusCode).toBe(304);
      expect((await read(id, { 'if-modified-since': 'Mon, 01 Jan 2024 00:00:00 GMT' })).statusCode).toBe(200);
      expect((await read(id, { 'if-modified-since': 'yesterday-ish' })).statusCode).toBe(200);
      // A deleted or unknown resource is still 410 / 404, whatever the validators say.
      await inject({ method: 'DELETE', url: `/fhir/R4/Patient/${id}` });
      expect((await read(id, { 'if-none-match': '*' })).statusCode).toBe(410);
      expect((await read('rp-never', { 'if-none-match': '*' })).statusCode).toBe(404);
    });
  });

  describe('If-Match on delete', () => {
    it('refuses a stale version with 412 and deletes nothing, then deletes on the current one', async () => {
      const id = await put({ active: true });
      const before = await countRows(context().db, 'resource_version');
      const stale = await inject({
        method: 'DELETE',
        url: `/fhir/R4/Patient/${id}`,
        headers: { 'if-match': 'W/"2"' },
      });
      expect(stale.statusCode).toBe(412);
      expect(body(stale).resourceType).toBe('OperationOutcome');
      expect(await countRows(context().db, 'resource_version')).toBe(before);
      expect((await read(id, {})).statusCode).toBe(200);
      const unknown = await inject({
        method: 'DELETE',
        url: '/fhir/R4/Patient/rp-absent',
        headers: { 'if-match': 'W/"1"' },
      });
      expect(unknown.statusCode).toBe(412);
      const deleted = await inject({
        method: 'DELETE',
        url: `/fhir/R4/Patient/${id}`,
        headers: { 'if-match': 'W/"1"' },
      });
      expect(deleted.statusCode).toBe(204);
      expect(deleted.headers.etag).toBe('W/"2"');
      expect((await read(id, {})).statusCode).toBe(410);
    });
  });

  describe('FHIRPath Patch', () => {
    it('applies add, insert, replace, delete and move as one new version', async () => {
      const id = await put({
        name: [{ family: 'First' }, { family: 'Second' }],
        identifier: [{ system: 'urn:a', value: '1' }],
        telecom: [
          { system: 'phone', value: '555-0100' },
          { system: 'email', value: 'x@example.org' },
        ],
        birthDate: '1970-01-01',
      });
      const response = await fhirPathPatch(id, [
        operation('add', 'Patient', { name: { valueString: 'gender' }, value: { valueCode: 'female' } }),
        operation('add', 'Patient', {
          name: { valueString: 'name' },
          value: { valueHumanName: { family: 'Third', given: ['Ann'] } },
        }),
        operation('insert', 'Patient.identifier', {
          index: { valueInteger: 0 },
          value: { valueIdentifier: { system: 'urn:b', value: '0' } },
        }),
        operation('replace', 'Patient.birthDate', { value: { valueDate: '1971-02-03' } }),
        operation('delete', "Patient.telecom.where(system = 'phone')"),
        operation('move', 'Patient.name', { source: { valueInteger: 2 }, destination: { valueInteger: 0 } }),
        operation('add', 'Patient', {
          name: { valueString: 'contact' },
          value: {
            part: [
              { name: 'name', valueHumanName: { family: 'Kin' } },
              { name: 'telecom', valueContactPoint: { system: 'phone', value: '555-0199' } },
            ],
          },
        }),
        operation('delete', "Patient.extension.where(url = 'http://example.org/absent')"),
      ]);
      expect(response.statusCode).toBe(200);
      expect(response.headers.etag).toBe('W/"2"');
      const patched = body(response);
      expect(patched).toMatchObject({
        gender: 'female',
        birthDate: '1971-02-03',
        name: [{ family: 'Third', given: ['Ann'] }, { family: 'First' }, { family: 'Second' }],
        identifier: [
          { system: 'urn:b', value: '0' },
          { system: 'urn:a', value: '1' },
        ],
        telecom: [{ system: 'email', value: 'x@example.org' }],
        contact: [{ name: { family: 'Kin' }, telecom: [{ system: 'phone', value: '555-0199' }] }],
      });
      const history = body(await inject({ url: `/fhir/R4/Patient/${id}/_history` })) as {
        entry: Array<{ request: { method: string } }>;
      };
      expect(history.entry[0]!.request.method).toBe('PATCH');
    });

    it('refuses what cannot be applied or would not validate, storing nothing', async () => {
      const id = await put({ name: [{ family: 'A' }, { family: 'B' }], gender: 'male' });
      const before = await countRows(context().db, 'resource_version');
      const refusals = [
        // The path selects two elements where one is needed.
        [operation('replace', 'Patient.name', { value: { valueHumanName: { family: 'C' } } }), 422],
        // A single-valued element that already has a value is replaced, not added.
        [
          operation('add', 'Patient', { name: { valueString: 'gender' }, value: { valueCode: 'female' } }),
          422,
        ],
        [
          operation('insert', 'Patient.name', { index: { valueInteger: 5 }, value: { valueHumanName: {} } }),
          422,
        ],
        [
          operation('move', 'Patient.name', {
            source: { valueInteger: 0 },
            destination: { valueInteger: 9 },
          }),
          422,
        ],
        [operation('replace', 'Patient.name.where(', { value: { valueString: 'x' } }), 422],
        [operation('rename', 'Patient.gender'), 400],
        [operation('add', 'Patient', { value: { valueCode: 'x' } }), 400],
        // Applies, but the result is not a valid Patient.
        [operation('replace', 'Patient.gender', { value: { valueCode: 'not-a-gender' } }), 400],
        [operation('replace', 'Patient.id', { value: { valueId: 'other' } }), 422],
      ] as const;
      for (const [op, status] of refusals) {
        const response = await fhirPathPatch(id, [op]);
        expect(response.statusCode, JSON.stringify(op)).toBe(status);
        expect(body(response).resourceType).toBe('OperationOutcome');
      }
      // An operation after a good one fails: the good one is not stored either.
      const mixed = await fhirPathPatch(id, [
        operation('replace', 'Patient.gender', { value: { valueCode: 'female' } }),
        operation('replace', 'Patient.name', { value: { valueHumanName: { family: 'C' } } }),
      ]);
      expect(mixed.statusCode).toBe(422);
      const stale = await fhirPathPatch(id, [operation('delete', 'Patient.gender')], { 'if-match': 'W/"3"' });
      expect(stale.statusCode).toBe(412);
      expect(await countRows(context().db, 'resource_version')).toBe(before);
      expect(body(await read(id, {}))).toMatchObject({ gender: 'male', meta: { versionId: '1' } });
    });
  });
}
