// The audit trail end to end in the all-in-one layout (records and audit in one process, the
// in-process bus, in-memory PGlite): every records interaction type — refusals and failures too —
// produces its AuditEvent, served at /fhir/R4/AuditEvent (not by records), searchable by the
// standard parameters, in the patient's access report, and never in the logs.
import { Writable } from 'node:stream';
import { createAuditService } from '@healthlane/audit-service';
import { type Host, startHost } from '@healthlane/kit';
import { createRecordsService } from '@healthlane/records';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into FHIR JSON replies
type Json = any;

let host: Host;
let logs = '';
const marker = 'Zyxquorble';
const fhir = { 'content-type': 'application/fhir+json' };

async function call(method: string, url: string, payload?: unknown, headers: Record<string, string> = fhir) {
  const response = await host.app.inject({
    method: method as 'GET',
    url,
    headers: payload === undefined ? {} : headers,
    ...(payload === undefined
      ? {}
      : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
  return {
    status: response.statusCode,
    json: (response.body === '' ? undefined : JSON.parse(response.body)) as Json,
  };
}

/** A valid AuditEvent someone tries to slip in through records. */
const forgedAuditEvent = {
  resourceType: 'AuditEvent',
  type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110100' },
  recorded: '2026-12-01T00:00:00Z',
  agent: [{ requestor: true, who: { display: 'someone' } }],
  source: { observer: { display: 'someone' } },
};

let patientId = '';
let observationId = '';
const statuses: Record<string, number> = {};

beforeAll(async () => {
  host = await startHost({
    services: [createRecordsService(), createAuditService()],
    env: {
      HEALTHLANE_DATA_DIR: 'memory://',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'debug',
      HEALTHLANE_DEMO: 'false',
      HEALTHLANE_AUTH: 'off',
      AUDIT_POLL_INTERVAL_MS: '50',
    },
    logDestination: new Writable({
      write: (chunk, _encoding, done) => {
        logs += String(chunk);
        done();
      },
    }),
  });
  const patient = await call('POST', '/fhir/R4/Patient', {
    resourceType: 'Patient',
    name: [{ family: marker }],
  });
  patientId = patient.json.id;
  const observation = await call('POST', '/fhir/R4/Observation', {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'heart rate' },
    subject: { reference: `Patient/${patientId}` },
  });
  observationId = observation.json.id;
  const o = `/fhir/R4/Observation/${observationId}`;
  statuses.create = observation.status;
  statuses.read = (await call('GET', o)).status;
  statuses.vread = (await call('GET', `${o}/_history/1`)).status;
  statuses.update = (
    await call('PUT', o, { ...observation.json, status: 'amended', meta: undefined })
  ).status;
  statuses.patch = (
    await call('PATCH', o, [{ op: 'replace', path: '/status', value: 'final' }], {
      'content-type': 'application/json-patch+json',
    })
  ).status;
  statuses['search-type'] = (
    await call('GET', `/fhir/R4/Observation?subject=Patient/${patientId}&code:text=${marker}`)
  ).status;
  statuses['history-instance'] = (await call('GET', `${o}/_history`)).status;
  statuses['history-type'] = (await call('GET', '/fhir/R4/Observation/_history')).status;
  statuses['history-system'] = (await call('GET', '/fhir/R4/_history')).status;
  statuses['search-system'] = (await call('GET', '/fhir/R4?_type=Patient')).status;
  statuses.transaction = (
    await call('POST', '/fhir/R4', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }],
    })
  ).status;
  statuses.batch = (
    await call('POST', '/fhir/R4', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ request: { method: 'GET', url: `Patient/${patientId}` } }],
    })
  ).status;
  statuses.validate = (await call('POST', '/fhir/R4/Patient/$validate', { resourceType: 'Patient' })).status;
  statuses.operation = (await call('GET', `/fhir/R4/Patient/${patientId}/$everything`)).status;
  statuses.delete = (await call('DELETE', o)).status;
  statuses.failure = (await call('GET', '/fhir/R4/Observation/no-such-observation')).status;
  statuses.refusedTransaction = (
    await call('POST', '/fhir/R4', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: forgedAuditEvent, request: { method: 'POST', url: 'AuditEvent' } }],
    })
  ).status;
}, 120_000); // one host start plus a score of requests on a machine shared with other tests
afterAll(async () => {
  await host?.stop();
});

async function auditEvents(query: string): Promise<Json[]> {
  const { status, json } = await call('GET', `/fhir/R4/AuditEvent?${query}&_count=200`);
  expect(status).toBe(200);
  return (json.entry ?? []).map((entry: Json) => entry.resource);
}

const interactions = [
  'create',
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'search-type',
  'search-system',
  'history-instance',
  'history-type',
  'history-system',
  'transaction',
  'batch',
] as const;

describe('every records interaction produces its AuditEvent', () => {
  it('ran each interaction', () => {
    expect(statuses).toMatchObject({
      create: 201,
      read: 200,
      vread: 200,
      update: 200,
      patch: 200,
      delete: 204,
    });
  });

  it.each(interactions)('%s', async (interaction) => {
    await expect
      .poll(async () => (await auditEvents(`subtype=${interaction}`)).length, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const [event] = await auditEvents(`subtype=${interaction}`);
    expect(event.resourceType).toBe('AuditEvent');
    expect(event.source.observer.identifier.value).toBe('records');
    expect(event.agent.some((agent: Json) => agent.network?.address)).toBe(true);
  });

  it('$validate and $everything as operations', async () => {
    await expect
      .poll(async () => (await auditEvents('subtype=validate')).length, { timeout: 20_000 })
      .toBe(1);
    await expect
      .poll(async () => (await auditEvents('subtype=operation')).length, { timeout: 20_000 })
      .toBe(2);
  });

  it('a failed read as a minor failure, with the problem kind', async () => {
    await expect
      .poll(async () => (await auditEvents('outcome=4&subtype=read')).length, { timeout: 20_000 })
      .toBe(1);
    const [event] = await auditEvents('outcome=4&subtype=read');
    expect(event.outcomeDesc).toBe('not-found');
    expect(event.entity[0].what.reference).toBe('Observation/no-such-observation');
  });

  it('a transaction refused for writing an AuditEvent, stored nothing but its own audit', async () => {
    expect(statuses.refusedTransaction).toBe(405);
    await expect
      .poll(async () => (await auditEvents('subtype=transaction&outcome=4')).length, { timeout: 20_000 })
      .toBe(1);
    expect(await auditEvents('subtype=create&entity-type=2')).not.toContainEqual(
      expect.objectContaining({
        entity: expect.arrayContaining([
          expect.objectContaining({ what: { reference: expect.stringMatching(/^AuditEvent\//) } }),
        ]),
      }),
    );
  });

  it('writes name the version written and the patient; the search keeps its query base64', async () => {
    const updates = await auditEvents(`subtype=update&patient=${patientId}`);
    expect(updates[0].action).toBe('U');
    expect(updates[0].entity.map((entity: Json) => entity.what?.reference)).toEqual(
      expect.arrayContaining([`Patient/${patientId}`, `Observation/${observationId}/_history/2`]),
    );
    const [search] = await auditEvents(`subtype=search-type&patient=Patient/${patientId}`);
    const query = search.entity.find((entity: Json) => entity.role?.code === '24');
    expect(Buffer.from(query.query, 'base64').toString('utf8')).toContain(`code:text=${marker}`);
  });
});

describe('/fhir/R4/AuditEvent and the access report', () => {
  it('is served by the audit service: read by id, and writes refused', async () => {
    const [event] = await auditEvents('subtype=read');
    const read = await call('GET', `/fhir/R4/AuditEvent/${event.id}`);
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({ id: event.id, meta: { versionId: '1' } });
    expect((await call('POST', '/fhir/R4/AuditEvent', forgedAuditEvent)).status).toBe(405);
    expect((await call('PUT', `/fhir/R4/AuditEvent/${event.id}`, { ...event, outcome: '0' })).status).toBe(
      405,
    );
    expect((await call('DELETE', `/fhir/R4/AuditEvent/${event.id}`)).status).toBe(405);
    expect((await call('GET', '/fhir/R4/AuditEvent/unknown-id')).status).toBe(404);
  });

  it('lists who accessed the patient record', async () => {
    const report = await call('GET', `/audit/patients/${patientId}/access-report?_count=100`);
    expect(report.status).toBe(200);
    const interactionsSeen = new Set(report.json.accesses.map((line: Json) => line.interaction));
    for (const interaction of ['read', 'create', 'update', 'patch', 'search-type', 'operation'] as const) {
      expect([...interactionsSeen].some((seen) => String(seen).includes(interaction))).toBe(true);
    }
    expect(report.json.accesses[0]).toMatchObject({
      outcome: expect.any(String),
      address: expect.any(String),
    });
  });

  it('verifies the chain on line', async () => {
    const verified = await call('GET', '/audit/chain/verify');
    expect(verified.status).toBe(200);
    expect(verified.json.ok).toBe(true);
  });

  it('kept identifiers and query strings out of the logs', () => {
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(marker);
    expect(logs).not.toContain(patientId);
    expect(logs).not.toContain(observationId);
  });
});
