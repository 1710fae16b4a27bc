// Batch and transaction Bundles through POST /fhir/R4 on the real records service: atomicity,
// urn:uuid identities, processing order, conditional creates and references, response shapes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FhirJson, type RecordsHost, startRecordsHost } from './bundle-host.ts';

let records: RecordsHost;
beforeAll(async () => {
  records = await startRecordsHost();
});
afterAll(() => records.stop());

let unique = 0;
/** A value no other test uses, so tests share one store without seeing each other. */
const fresh = (label: string) => `${label}-${++unique}-${Date.now()}`;

const patient = (family: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  name: [{ family }],
  ...extra,
});
const post = (
  resource: Record<string, unknown>,
  fullUrl?: string,
  request: Record<string, unknown> = {},
) => ({
  ...(fullUrl ? { fullUrl } : {}),
  resource,
  request: { method: 'POST', url: resource.resourceType, ...request },
});
const transaction = (entry: unknown[], type = 'transaction') => ({ resourceType: 'Bundle', type, entry });

async function historyTotal(path: string): Promise<number> {
  const { json } = await records.get(`/fhir/R4/${path}/_history?_count=1000`);
  return (json.entry ?? []).length;
}

describe('transaction', () => {
  it('stores nothing when its 5th entry is invalid, and names that entry', async () => {
    const before = await historyTotal('Patient');
    const family = fresh('Atomic');
    const entries = [1, 2, 3, 4].map((n) => post(patient(`${family}${n}`)));
    entries.push(post({ resourceType: 'Patient', birthDate: 'not-a-date' }));
    const { status, json } = await records.postBundle(transaction(entries));
    expect(status).toBe(400);
    expect(json.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(json.issue.flatMap((issue: FhirJson) => issue.expression ?? []))).toContain(
      'Bundle.entry[4]',
    );
    expect(JSON.stringify(json)).not.toContain('not-a-date');
    expect(await historyTotal('Patient')).toBe(before);
  });

  it('rewrites urn:uuid references to the ids it assigns, and answers transaction-response', async () => {
    const patientUrn = 'urn:uuid:6b0c4f0e-6f7e-4f4a-9d2a-2d1b0a0c0d01';
    const { status, json } = await records.postBundle(
      transaction([
        post({
          resourceType: 'Encounter',
          status: 'finished',
          class: { code: 'AMB' },
          subject: { reference: patientUrn },
        }),
        post(patient(fresh('Urn')), patientUrn),
      ]),
    );
    expect(status).toBe(200);
    expect(json.type).toBe('transaction-response');
    const [encounterEntry, patientEntry] = json.entry;
    expect(patientEntry.response.status).toBe('201 Created');
    expect(patientEntry.response.location).toMatch(/^Patient\/[^/]+\/_history\/1$/);
    expect(patientEntry.response.etag).toBe('W/"1"');
    expect(patientEntry.response.lastModified).toBeTruthy();
    const patientId = patientEntry.resource.id;
    expect(encounterEntry.resource.subject.reference).toBe(`Patient/${patientId}`);
    const stored = await records.get(`/fhir/R4/Encounter/${encounterEntry.resource.id}`);
    expect(stored.json.subject.reference).toBe(`Patient/${patientId}`);
  });

  it('processes DELETE, then POST, then PUT, then GET whatever the bundle order', async () => {
    const created = await records.postBundle(transaction([post(patient(fresh('Order')))]));
    const id = created.json.entry[0].resource.id;
    const putId = fresh('order-put');
    const { status, json } = await records.postBundle(
      transaction([
        { request: { method: 'GET', url: `Patient/${putId}` } },
        { resource: patient('Put', { id: putId }), request: { method: 'PUT', url: `Patient/${putId}` } },
        post(patient(fresh('Posted'))),
        { request: { method: 'DELETE', url: `Patient/${id}` } },
      ]),
    );
    expect(status).toBe(200);
    // The GET ran last (after the PUT created the resource), the DELETE first.
    expect(json.entry.map((entry: FhirJson) => entry.response.status)).toEqual([
      '200 OK',
      '201 Created',
      '201 Created',
      '204 No Content',
    ]);
    expect(json.entry[0].resource.id).toBe(putId);
    expect((await records.get(`/fhir/R4/Patient/${id}`)).status).toBe(410);
  });

  it('resolves a matched ifNoneExist to the existing resource, and urns pointing at it follow', async () => {
    const system = 'https://example.org/orgs';
    const value = fresh('org');
    const org = { resourceType: 'Organization', name: 'Clinic', identifier: [{ system, value }] };
    const first = await records.postBundle(transaction([post(org)]));
    const orgId = first.json.entry[0].resource.id;
    const orgUrn = 'urn:uuid:7c1d2e3f-0000-4000-8000-000000000001';
    const { status, json } = await records.postBundle(
      transaction([
        post(org, orgUrn, { ifNoneExist: `identifier=${system}|${value}` }),
        post(patient(fresh('Managed'), { managingOrganization: { reference: orgUrn } })),
      ]),
    );
    expect(status).toBe(200);
    expect(json.entry[0].response.status).toBe('200 OK');
    expect(json.entry[0].resource.id).toBe(orgId);
    expect(json.entry[1].resource.managingOrganization.reference).toBe(`Organization/${orgId}`);
    expect(await historyTotal(`Organization/${orgId}`)).toBe(1);
  });

  it('resolves a conditional reference to its one match, and fails with 412 on none', async () => {
    const system = 'https://example.org/mrn';
    const value = fresh('mrn');
    const created = await records.postBundle(
      transaction([post(patient('Target', { identifier: [{ system, value }] }))]),
    );
    const targetId = created.json.entry[0].resource.id;
    const observation = (reference: string) => ({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference },
    });
    const ok = await records.postBundle(
      transaction([post(observation(`Patient?identifier=${system}|${value}`))]),
    );
    expect(ok.status).toBe(200);
    expect(ok.json.entry[0].resource.subject.reference).toBe(`Patient/${targetId}`);
    const none = await records.postBundle(
      transaction([post(observation(`Patient?identifier=${system}|missing`))]),
    );
    expect(none.status).toBe(412);
    expect(none.json.issue[0].expression).toEqual(['Bundle.entry[0]']);
  });

  it('refuses two entries that change the same resource', async () => {
    const id = fresh('twice');
    const { status, json } = await records.postBundle(
      transaction([
        { resource: patient('A', { id }), request: { method: 'PUT', url: `Patient/${id}` } },
        { request: { method: 'DELETE', url: `Patient/${id}` } },
      ]),
    );
    expect(status).toBe(400);
    expect(json.issue[0].code).toBe('duplicate');
    expect((await records.get(`/fhir/R4/Patient/${id}`)).status).toBe(404);
  });

  it('honours Prefer: return=minimal and return=OperationOutcome', async () => {
    const minimal = await records.postBundle(transaction([post(patient(fresh('Min')))]), {
      prefer: 'return=minimal',
    });
    expect(minimal.json.entry[0].resource).toBeUndefined();
    expect(minimal.json.entry[0].response.location).toMatch(/^Patient\//);
    const outcome = await records.postBundle(transaction([post(patient(fresh('Oo')))]), {
      prefer: 'return=OperationOutcome',
    });
    expect(outcome.json.entry[0].response.outcome.resourceType).toBe('OperationOutcome');
  });
  it('applies a JSON Patch entry (Binary) and refuses searches inside the Bundle', async () => {
    const created = await records.postBundle(transaction([post(patient(fresh('Patchable')))]));
    const id = created.json.entry[0].resource.id;
    const patch = [{ op: 'replace', path: '/name/0/family', value: 'Patched' }];
    const data = Buffer.from(JSON.stringify(patch)).toString('base64');
    const { status, json } = await records.postBundle(
      transaction([
        {
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data },
          request: { method: 'PATCH', url: `Patient/${id}` },
        },
      ]),
    );
    expect(status).toBe(200);
    expect(json.entry[0].response.status).toBe('200 OK');
    expect(json.entry[0].response.etag).toBe('W/"2"');
    expect((await records.get(`/fhir/R4/Patient/${id}`)).json.name[0].family).toBe('Patched');
    const search = await records.postBundle(
      transaction([{ request: { method: 'GET', url: 'Patient?name=x' } }]),
    );
    expect(search.status).toBe(400);
    expect(search.json.issue[0].code).toBe('not-supported');
  });

  it("points a conditional PUT entry's fullUrl at the resource its criteria selected", async () => {
    const system = 'https://example.org/mrn';
    const value = fresh('cond-put');
    const created = await records.postBundle(
      transaction([post(patient('Before', { identifier: [{ system, value }] }))]),
    );
    const id = created.json.entry[0].resource.id;
    const urn = 'urn:uuid:9d8c7b6a-0000-4000-8000-000000000002';
    const obsId = fresh('obs');
    const { status, json } = await records.postBundle(
      transaction([
        {
          fullUrl: urn,
          resource: patient('After', { identifier: [{ system, value }] }),
          request: { method: 'PUT', url: `Patient?identifier=${system}|${value}` },
        },
        {
          resource: {
            resourceType: 'Observation',
            id: obsId,
            status: 'final',
            code: { text: 'x' },
            subject: { reference: urn },
          },
          request: { method: 'PUT', url: `Observation/${obsId}` },
        },
      ]),
    );
    expect(status).toBe(200);
    expect(json.entry[0].resource.id).toBe(id);
    expect(json.entry[0].resource.name[0].family).toBe('After');
    expect(json.entry[1].resource.subject.reference).toBe(`Patient/${id}`);
  });
});

describe('batch', () => {
  it('keeps entries independent: a failing entry gets its own outcome, the others are stored', async () => {
    const family = fresh('Batch');
    const { status, json } = await records.postBundle(
      transaction(
        [
          post(patient(family)),
          post({ resourceType: 'Patient', birthDate: 'nope' }),
          { request: { method: 'GET', url: 'Patient/does-not-exist' } },
          { request: { method: 'FETCH', url: 'Patient' } },
        ],
        'batch',
      ),
    );
    expect(status).toBe(200);
    expect(json.type).toBe('batch-response');
    const statuses = json.entry.map((entry: FhirJson) => entry.response.status);
    expect(statuses).toEqual(['201 Created', '400 Bad Request', '404 Not Found', '400 Bad Request']);
    expect(json.entry[1].response.outcome.resourceType).toBe('OperationOutcome');
    expect(json.entry[3].response.outcome.issue[0].expression).toEqual(['Bundle.entry[3].request.method']);
    const stored = await records.get(`/fhir/R4/Patient/${json.entry[0].resource.id}`);
    expect(stored.json.name[0].family).toBe(family);
  });
});

describe('malformed bundles', () => {
  it.each([
    ['not JSON', '{"resourceType":'],
    ['not a Bundle', { resourceType: 'Patient' }],
    ['a searchset', { resourceType: 'Bundle', type: 'searchset', entry: [] }],
    ['entry not an array', { resourceType: 'Bundle', type: 'batch', entry: {} }],
    ['an entry without request', transaction([{ resource: patient('X') }])],
    [
      'a resource type that does not match its url',
      transaction([{ resource: patient('X'), request: { method: 'POST', url: 'Observation' } }]),
    ],
  ])('answers 400 with an OperationOutcome for %s', async (_label, body) => {
    const { status, json } = await records.postBundle(body);
    expect(status).toBe(400);
    expect(json.resourceType).toBe('OperationOutcome');
  });

  it('answers an empty transaction with an empty transaction-response', async () => {
    const { status, json } = await records.postBundle(transaction([]));
    expect(status).toBe(200);
    expect(json.entry).toEqual([]);
  });
});
