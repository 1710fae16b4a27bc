// /fhir/R4/AuditEvent search with the standard R4 parameters over the audit schema's index, keyset
// paging, POST _search, clear 400s for what is not understood, and the access policy's refusals.
import { Problem } from '@healthlane/kit';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditApp, sampleEvent, startAuditApp, waitForChained } from './support/audit-app.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into FHIR JSON replies
type Json = any;

let database: TestDatabase;
let audit: AuditApp;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  audit = await startAuditApp(database.db, { env: { AUDIT_SEARCH_DEFAULT_COUNT: '2' } });
  const record = async (name: string, event: ReturnType<typeof sampleEvent>) => {
    ids[name] = await audit.producer.record(event);
  };
  await record(
    'clinicianRead',
    sampleEvent({
      recorded: new Date('2026-11-30T08:00:00Z'),
      user: { id: 'u-ana', reference: 'Practitioner/pr1', name: 'Ána Müller', roles: ['clinician'] },
      client: { id: 'chart-app' },
      address: '10.1.2.3',
      resources: ['Observation/o1'],
      patients: ['Patient/p1'],
      policy: ['urn:uuid:token-1'],
      site: 'General Hospital',
    }),
  );
  await record(
    'breakGlassRead',
    sampleEvent({
      recorded: new Date('2026-12-01T09:30:00Z'),
      user: { id: 'u-bob', name: 'Bob Stone', roles: ['nurse'] },
      resources: ['Condition/c9'],
      patients: ['Patient/p2'],
      purposeOfUse: ['ETREAT', 'BTG'],
    }),
  );
  await record(
    'refusedDelete',
    sampleEvent({
      interaction: 'delete',
      outcome: '4',
      outcomeDesc: 'forbidden',
      recorded: new Date('2026-12-01T10:00:00Z'),
      resources: ['Observation/o1'],
      patients: ['Patient/p1'],
      address: '192.0.2.9',
    }),
  );
  await record(
    'search',
    sampleEvent({
      interaction: 'search-type',
      recorded: new Date('2026-12-01T11:00:00Z'),
      resources: [],
      patients: ['Patient/p1'],
      query: 'subject=Patient/p1',
      queryType: 'Observation',
    }),
  );
  await record(
    'login',
    sampleEvent({
      interaction: 'login',
      observer: 'identity',
      recorded: new Date('2026-12-02T07:00:00Z'),
      user: { id: 'u-ana', name: 'Ána Müller' },
      resources: [],
      patients: [],
    }),
  );
  await waitForChained(database.db, 5);
});
afterAll(async () => {
  await audit?.stop();
  await database?.drop();
});

async function search(query: string): Promise<{ status: number; json: Json }> {
  const response = await audit.app.inject({ method: 'GET', url: `/fhir/R4/AuditEvent?${query}` });
  return { status: response.statusCode, json: JSON.parse(response.body) };
}

async function found(query: string): Promise<string[]> {
  const { status, json } = await search(`${query}${query === '' ? '' : '&'}_count=100`);
  expect(status, JSON.stringify(json)).toBe(200);
  expect(json).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
  const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
  return json.entry.map((entry: Json) => byId.get(entry.resource.id)).sort();
}

describe('AuditEvent search parameters', () => {
  it.each([
    ['date=2026-12-01', ['breakGlassRead', 'refusedDelete', 'search']],
    ['date=ge2026-12-01T10:00:00Z&date=lt2026-12-02', ['refusedDelete', 'search']],
    ['date=lt2026-12-01', ['clinicianRead']],
    ['date=gt2026-12-01', ['login']],
    ['date=ne2026-12-01', ['clinicianRead', 'login']],
    ['date=2026-11-30,2026-12-02', ['clinicianRead', 'login']],
    ['entity=Observation/o1', ['clinicianRead', 'refusedDelete']],
    ['entity=c9', ['breakGlassRead']],
    ['patient=p1', ['clinicianRead', 'refusedDelete', 'search']],
    ['patient=Patient/p2', ['breakGlassRead']],
    ['agent=Practitioner/pr1', ['clinicianRead']],
    ['altid=u-ana', ['clinicianRead', 'login']],
    ['altid=chart-app', ['clinicianRead']],
    ['agent-name=ana', ['clinicianRead', 'login']],
    ['agent-name:exact=bob stone', ['breakGlassRead']],
    ['agent-role=clinician', ['clinicianRead']],
    ['agent-role=https://healthlane.dev/fhir/CodeSystem/role|nurse', ['breakGlassRead']],
    ['address=10.1', ['clinicianRead']],
    ['policy=urn:uuid:token-1', ['clinicianRead']],
    ['site=General Hospital', ['clinicianRead']],
    ['source=identity', ['login']],
    ['type=110114', ['login']],
    [
      'type=http://terminology.hl7.org/CodeSystem/audit-event-type|rest',
      ['breakGlassRead', 'clinicianRead', 'refusedDelete', 'search'],
    ],
    ['subtype=delete', ['refusedDelete']],
    ['subtype=search-type,110122', ['login', 'search']],
    ['action=D', ['refusedDelete']],
    ['outcome=4', ['refusedDelete']],
    ['entity-type=1&patient=p2', ['breakGlassRead']],
    ['entity-role=24', ['search']],
    [
      'entity-role=http://terminology.hl7.org/CodeSystem/object-role|4&outcome=0',
      ['breakGlassRead', 'clinicianRead'],
    ],
    ['patient=p1&subtype=read&date=2026-11-30', ['clinicianRead']],
    // A system alone matches by prefix of the stored 'system|code' values.
    [
      'type=http://terminology.hl7.org/CodeSystem/audit-event-type|',
      ['breakGlassRead', 'clinicianRead', 'refusedDelete', 'search'],
    ],
    ['agent-role=https://healthlane.dev/fhir/CodeSystem/role|', ['breakGlassRead', 'clinicianRead']],
    ['type=http://terminology.hl7.org/CodeSystem/audit-event|', []],
    ['type=http://unknown.example/codes|,110114', ['login']],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual([...expected].sort());
  });

  it('finds by _id', async () => {
    expect(await found(`_id=${ids.login}`)).toEqual(['login']);
  });

  it('pages newest first with a next link until the end', async () => {
    const seen: string[] = [];
    let url: string | undefined = '/fhir/R4/AuditEvent?patient=p1';
    while (url !== undefined) {
      const response = await audit.app.inject({ method: 'GET', url });
      const json = JSON.parse(response.body);
      expect(json.entry.length).toBeLessThanOrEqual(2); // AUDIT_SEARCH_DEFAULT_COUNT
      seen.push(...json.entry.map((entry: Json) => entry.resource.id));
      const next = json.link.find((link: Json) => link.relation === 'next')?.url;
      url = next === undefined ? undefined : new URL(next).pathname + new URL(next).search;
    }
    expect(seen).toEqual([ids.search, ids.refusedDelete, ids.clinicianRead]);
  });

  it('answers POST _search with a form body like GET', async () => {
    const response = await audit.app.inject({
      method: 'POST',
      url: '/fhir/R4/AuditEvent/_search',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'subtype=delete&outcome=4',
    });
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).entry.map((entry: Json) => entry.resource.id)).toEqual([
      ids.refusedDelete,
    ]);
  });

  it.each([
    ['unknown parameter', 'colour=blue'],
    ['unsupported modifier', 'subtype:not=read'],
    ['bad date', 'date=yesterday'],
    ['time without zone', 'date=2026-12-01T10:00'],
    ['bad count', '_count=lots'],
    ['bad reference', 'entity=http://x/not a ref'],
  ])('refuses a %s with 400 and an OperationOutcome', async (_name, query) => {
    const { status, json } = await search(query);
    expect(status).toBe(400);
    expect(json.resourceType).toBe('OperationOutcome');
  });

  it('reads one AuditEvent with its version metadata', async () => {
    const response = await audit.app.inject({
      method: 'GET',
      url: `/fhir/R4/AuditEvent/${ids.breakGlassRead}`,
    });
    expect(response.statusCode).toBe(200);
    const event = JSON.parse(response.body);
    expect(event).toMatchObject({
      resourceType: 'AuditEvent',
      id: ids.breakGlassRead,
      meta: { versionId: '1' },
    });
    expect(event.purposeOfEvent.map((purpose: Json) => purpose.coding[0].code)).toEqual(['ETREAT', 'BTG']);
    const vread = await audit.app.inject({
      method: 'GET',
      url: `/fhir/R4/AuditEvent/${ids.breakGlassRead}/_history/1`,
    });
    expect(vread.statusCode).toBe(200);
    const other = await audit.app.inject({
      method: 'GET',
      url: `/fhir/R4/AuditEvent/${ids.breakGlassRead}/_history/2`,
    });
    expect(other.statusCode).toBe(404);
  });
});

describe('access to the trail', () => {
  it('goes through the one access policy: a refusal is a 403 OperationOutcome on every route', async () => {
    const asked: string[] = [];
    const refusing = await startAuditApp(database.db, {
      startService: false,
      accessPolicy: (_request, access) => {
        asked.push(`${access.kind}${access.patient === undefined ? '' : ` ${access.patient}`}`);
        throw Problem.forbidden('Only privacy officers may read the audit trail');
      },
    });
    try {
      for (const url of [
        '/fhir/R4/AuditEvent?patient=p1',
        `/fhir/R4/AuditEvent/${ids.login}`,
        '/audit/patients/p1/access-report',
        '/audit/chain/verify',
      ]) {
        const response = await refusing.app.inject({ method: 'GET', url });
        expect(response.statusCode).toBe(403);
        expect(response.body).not.toContain('u-ana');
      }
      expect(asked).toEqual(['search', 'read', 'access-report Patient/p1', 'verify']);
    } finally {
      await refusing.stop();
    }
  });

  it('reports who accessed a patient record, refusals included', async () => {
    const response = await audit.app.inject({
      method: 'GET',
      url: '/audit/patients/p1/access-report?_count=10',
    });
    expect(response.statusCode).toBe(200);
    const report = JSON.parse(response.body);
    expect(report.patient).toBe('Patient/p1');
    expect(report.accesses.map((line: Json) => line.event)).toEqual([
      ids.search,
      ids.refusedDelete,
      ids.clinicianRead,
    ]);
    expect(report.accesses[2]).toMatchObject({
      user: { id: 'u-ana', name: 'Ána Müller' },
      roles: ['clinician'],
      client: 'chart-app',
      address: '10.1.2.3',
      outcome: 'success',
      interaction: 'read',
    });
    expect(report.accesses[1]).toMatchObject({ outcome: 'failure', interaction: 'delete' });
  });
});
