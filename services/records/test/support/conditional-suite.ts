// Conditional create/update/delete and the concurrency guarantees, written once and run on PGlite
// (conditional.test.ts) and PostgreSQL (records.int.test.ts).
import type { Database } from '@healthlane/store';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { body, countRows, type RecordsApp } from './records-app.ts';

const json = { 'content-type': 'application/fhir+json' };

export function conditionalSuite(context: () => { records: RecordsApp; db: Database }): void {
  const inject = (options: InjectOptions) => context().records.app.inject(options);
  const create = (payload: unknown, ifNoneExist?: string) =>
    inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: { ...json, ...(ifNoneExist === undefined ? {} : { 'if-none-exist': ifNoneExist }) },
      payload: JSON.stringify(payload),
    });
  const patient = (system: string | undefined, value: string, extra: Record<string, unknown> = {}) => ({
    resourceType: 'Patient',
    identifier: [{ ...(system === undefined ? {} : { system }), value }],
    ...extra,
  });
  const liveWith = async (value: string) => {
    const { rows } = await context().db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM records.token_index t JOIN records.resource r
         ON r.resource_type = t.resource_type AND r.id = t.resource_id
       WHERE t.param = 'identifier' AND t.value = $1 AND NOT r.deleted`,
      [value],
    );
    return rows[0]!.count;
  };

  describe('conditional create (If-None-Exist)', () => {
    it('creates on no match, returns the match with 200 on one, and answers 412 on several', async () => {
      const first = await create(patient('urn:mrn', 'c-1'), 'identifier=urn:mrn|c-1');
      expect(first.statusCode).toBe(201);
      const again = await create(patient('urn:mrn', 'c-1', { active: true }), 'identifier=urn:mrn|c-1');
      expect(again.statusCode).toBe(200);
      expect(body(again).id).toBe(body(first).id);
      expect(body(again).active).toBeUndefined();
      await create(patient('urn:other', 'c-1'));
      expect((await create(patient('urn:mrn', 'c-1'), 'identifier=c-1')).statusCode).toBe(412);
      expect((await create(patient('urn:mrn', 'c-1'), `_id=${body(first).id as string}`)).statusCode).toBe(
        200,
      );
    });

    it('understands the token forms system|value, |value and value', async () => {
      await create(patient(undefined, 'c-2'));
      expect((await create(patient(undefined, 'c-2'), 'identifier=|c-2')).statusCode).toBe(200);
      expect((await create(patient('urn:mrn', 'c-2'), 'identifier=urn:mrn|c-2')).statusCode).toBe(201);
      expect((await create(patient(undefined, 'c-2'), 'identifier=c-2')).statusCode).toBe(412);
      expect((await create(patient('urn:mrn', 'c-2'), 'identifier=urn:mrn|')).statusCode).toBe(412);
      expect((await create(patient(undefined, 'c-3'), 'identifier=urn:x|c-3,urn:mrn|c-2')).statusCode).toBe(
        200,
      );
    });

    it('refuses criteria it does not understand with 400', async () => {
      const response = await create(patient('urn:mrn', 'c-4'), 'nickname=smith');
      expect(response.statusCode).toBe(400);
      expect(body(response).resourceType).toBe('OperationOutcome');
      expect(JSON.stringify(body(response))).not.toContain('smith');
      expect(await liveWith('c-4')).toBe(0);
    });

    it('makes exactly one resource from 20 identical creates in parallel', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => create(patient('urn:race', 'r-1'), 'identifier=urn:race|r-1')),
      );
      expect(responses.filter((response) => response.statusCode === 201)).toHaveLength(1);
      expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(19);
      expect(new Set(responses.map((response) => body(response).id)).size).toBe(1);
      expect(await liveWith('r-1')).toBe(1);
    });
  });

  describe('conditional update and delete', () => {
    const conditionalPut = (query: string, payload: unknown) =>
      inject({
        method: 'PUT',
        url: `/fhir/R4/Patient?${query}`,
        headers: json,
        payload: JSON.stringify(payload),
      });

    it('updates the one match, creates on none, answers 412 on several', async () => {
      const created = await conditionalPut('identifier=urn:mrn|u-1', patient('urn:mrn', 'u-1'));
      expect(created.statusCode).toBe(201);
      const updated = await conditionalPut(
        'identifier=urn:mrn|u-1',
        patient('urn:mrn', 'u-1', { active: true }),
      );
      expect(updated.statusCode).toBe(200);
      expect(body(updated).id).toBe(body(created).id);
      expect(updated.headers.etag).toBe('W/"2"');
      const wrongId = await conditionalPut('identifier=urn:mrn|u-1', {
        ...patient('urn:mrn', 'u-1'),
        id: 'other',
      });
      expect(wrongId.statusCode).toBe(400);
      await create(patient('urn:mrn', 'u-1'));
      expect((await conditionalPut('identifier=urn:mrn|u-1', patient('urn:mrn', 'u-1'))).statusCode).toBe(
        412,
      );
      expect((await conditionalPut('', patient('urn:mrn', 'u-9'))).statusCode).toBe(400);
    });

    it('deletes the one match, succeeds on none, answers 412 on several', async () => {
      const del = (query: string) => inject({ method: 'DELETE', url: `/fhir/R4/Patient?${query}` });
      await create(patient('urn:mrn', 'd-1'));
      expect((await del('identifier=urn:mrn|d-1')).statusCode).toBe(204);
      expect(await liveWith('d-1')).toBe(0);
      expect((await del('identifier=urn:mrn|d-1')).statusCode).toBe(204);
      await create(patient('urn:mrn', 'd-2'));
      await create(patient('urn:mrn', 'd-2'));
      expect((await del('identifier=urn:mrn|d-2')).statusCode).toBe(412);
      expect(await liveWith('d-2')).toBe(2);
      expect((await del('birthdate=notadate')).statusCode).toBe(400);
    });
  });

  describe('optimistic concurrency', () => {
    it('lets exactly one of 20 parallel updates with the same If-Match win; the rest get 412', async () => {
      await inject({
        method: 'PUT',
        url: '/fhir/R4/Patient/race-m',
        headers: json,
        payload: '{"resourceType":"Patient","id":"race-m"}',
      });
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          inject({
            method: 'PUT',
            url: '/fhir/R4/Patient/race-m',
            headers: { ...json, 'if-match': 'W/"1"' },
            payload: JSON.stringify({
              resourceType: 'Patient',
              id: 'race-m',
              birthDate: `19${10 + index}-01-01`,
            }),
          }),
        ),
      );
      const statuses = responses.map((response) => response.statusCode).sort();
      expect(statuses).toEqual([200, ...Array<number>(19).fill(412)]);
      const versions = await context().db.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM records.resource_version WHERE id = 'race-m'",
      );
      expect(versions.rows[0]!.count).toBe(2);
      expect(await countRows(context().db, 'resource')).toBeGreaterThan(0);
    });
  });

  describe('token index', () => {
    const tokensOf = async (id: string) => {
      const { rows } = await context().db.query<{ system: string | null; value: string | null }>(
        `SELECT system, value FROM records.token_index
         WHERE resource_type = 'Patient' AND resource_id = $1 AND param = 'identifier'
         ORDER BY value, system NULLS FIRST`,
        [id],
      );
      return rows;
    };
    const put = (id: string, identifier: unknown[]) =>
      inject({
        method: 'PUT',
        url: `/fhir/R4/Patient/${id}`,
        headers: json,
        payload: JSON.stringify({
          resourceType: 'Patient',
          id,
          ...(identifier.length > 0 && { identifier }),
        }),
      });

    it("holds exactly the current version's identifiers: replaced on update, cleared on delete", async () => {
      const first = [
        { system: 'urn:a', value: 'tok-1' },
        { value: 'tok-2' },
        { system: 'urn:b', value: 'tok-3' },
      ];
      expect((await put('tokens-1', first)).statusCode).toBe(201);
      expect(await tokensOf('tokens-1')).toEqual([
        { system: 'urn:a', value: 'tok-1' },
        { system: null, value: 'tok-2' },
        { system: 'urn:b', value: 'tok-3' },
      ]);
      expect((await put('tokens-1', [{ system: 'urn:c', value: 'tok-4' }])).statusCode).toBe(200);
      expect(await tokensOf('tokens-1')).toEqual([{ system: 'urn:c', value: 'tok-4' }]);
      expect(await liveWith('tok-1')).toBe(0);
      expect(await liveWith('tok-4')).toBe(1);
      expect((await put('tokens-1', [])).statusCode).toBe(200); // no identifier at all
      expect(await tokensOf('tokens-1')).toEqual([]);
      expect((await put('tokens-1', [{ system: 'urn:c', value: 'tok-5' }])).statusCode).toBe(200);
      expect((await inject({ method: 'DELETE', url: '/fhir/R4/Patient/tokens-1' })).statusCode).toBe(204);
      expect(await tokensOf('tokens-1')).toEqual([]);
      const versions = await context().db.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM records.resource_version WHERE id = 'tokens-1'",
      );
      expect(versions.rows[0]!.count).toBe(5);
    });
  });
}
