// Through the real kit host (startHost, in-memory PGlite): the service mounts under /fhir, the
// CapabilityStatement matches what answers, $validate reports issues, and metrics are exported.
import { type Host, startHost } from '@healthlane/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsService } from '../src/index.ts';

let host: Host;
const json = { 'content-type': 'application/fhir+json' };

beforeAll(async () => {
  host = await startHost({
    services: [recordsService],
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: 'memory://',
      HEALTHLANE_DEMO: '0',
      HEALTHLANE_AUTH: 'off', // records alone, without identity
    },
  });
});
afterAll(async () => {
  await host?.stop();
});

interface Capability {
  fhirVersion: string;
  format: string[];
  patchFormat: string[];
  rest: Array<{
    interaction: Array<{ code: string }>;
    resource: Array<{
      type: string;
      interaction: Array<{ code: string }>;
      versioning: string;
      conditionalCreate: boolean;
      conditionalUpdate: boolean;
      conditionalDelete: string;
      searchParam: Array<{ name: string; documentation?: string }>;
      operation: Array<{ name: string }>;
    }>;
  }>;
}

describe('GET /fhir/R4/metadata', () => {
  it('describes what is implemented, and every interaction it lists answers', async () => {
    const response = await host.app.inject({ url: '/fhir/R4/metadata' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const statement = JSON.parse(response.body) as Capability;
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(statement.patchFormat).toEqual(['application/json-patch+json', 'application/fhir+json']);
    const rest = statement.rest[0]!;
    expect(rest.interaction.map((entry) => entry.code).sort()).toEqual([
      'batch',
      'history-system',
      'search-system',
      'transaction',
    ]);
    const patient = rest.resource.find((resource) => resource.type === 'Patient')!;
    expect(rest.resource.length).toBeGreaterThan(100);
    expect(patient).toMatchObject({
      versioning: 'versioned',
      conditionalCreate: true,
      conditionalUpdate: true,
      conditionalDelete: 'single',
    });
    const names = patient.searchParam.map((param) => param.name);
    expect(names).toEqual(
      expect.arrayContaining(['_id', '_lastUpdated', 'identifier', 'name', 'birthdate', '_tag']),
    );
    expect(names).toEqual(expect.arrayContaining(['_content', '_text', '_list', '_filter']));
    const bundle = rest.resource.find((resource) => resource.type === 'Bundle')!;
    expect(bundle.searchParam.map((param) => param.name)).not.toContain('_text'); // no narrative
    expect(names).not.toContain('_query'); // not implemented, not listed
    const gender = patient.searchParam.find((param) => param.name === 'gender')!;
    expect(gender.documentation).toBe(
      'Modifiers: :missing, :text, :not, :of-type, :in, :not-in, :above, :below',
    );
    const organization = patient.searchParam.find((param) => param.name === 'organization')!;
    expect(organization.documentation).toBe('Modifiers: :missing, :identifier, :[Type]');
    expect(patient.operation.map((operation) => operation.name)).toEqual(['validate', 'everything']);
    const codes = patient.interaction.map((entry) => entry.code);
    expect(codes).toEqual([
      'read',
      'vread',
      'update',
      'patch',
      'delete',
      'history-instance',
      'history-type',
      'create',
      'search-type',
    ]);

    // Each listed interaction answers (a 404 "No route" would mean the statement lies).
    const probes: Record<
      string,
      {
        method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
        url: string;
        payload?: string;
        type?: string;
        status: number;
      }
    > = {
      create: { method: 'POST', url: '/fhir/R4/Patient', payload: '{"resourceType":"Patient"}', status: 201 },
      update: {
        method: 'PUT',
        url: '/fhir/R4/Patient/cap',
        payload: '{"resourceType":"Patient","id":"cap"}',
        status: 201,
      },
      read: { method: 'GET', url: '/fhir/R4/Patient/cap', status: 200 },
      vread: { method: 'GET', url: '/fhir/R4/Patient/cap/_history/1', status: 200 },
      patch: {
        method: 'PATCH',
        url: '/fhir/R4/Patient/cap',
        payload: '[{"op":"add","path":"/active","value":true}]',
        type: 'application/json-patch+json',
        status: 200,
      },
      'history-instance': { method: 'GET', url: '/fhir/R4/Patient/cap/_history', status: 200 },
      'history-type': { method: 'GET', url: '/fhir/R4/Patient/_history', status: 200 },
      delete: { method: 'DELETE', url: '/fhir/R4/Patient/cap', status: 204 },
      'search-type': { method: 'GET', url: '/fhir/R4/Patient?_id=cap', status: 200 },
    };
    expect(Object.keys(probes).sort()).toEqual([...codes].sort());
    for (const [code, probe] of Object.entries(probes)) {
      const answer = await host.app.inject({
        method: probe.method,
        url: probe.url,
        ...(probe.payload === undefined
          ? {}
          : { payload: probe.payload, headers: { 'content-type': probe.type ?? json['content-type'] } }),
      });
      expect([code, answer.statusCode]).toEqual([code, probe.status]);
    }
    expect((await host.app.inject({ url: '/fhir/R4/_history' })).statusCode).toBe(200);
    expect((await host.app.inject({ url: '/fhir/R4?_type=Patient' })).statusCode).toBe(200);
  });
});

describe('$validate', () => {
  const validate = (url: string, payload: unknown) =>
    host.app.inject({ method: 'POST', url, headers: json, payload: JSON.stringify(payload) });

  it('answers an information issue for a valid resource and the issues for an invalid one, storing nothing', async () => {
    const valid = await validate('/fhir/R4/Patient/$validate', { resourceType: 'Patient', gender: 'male' });
    expect(valid.statusCode).toBe(200);
    const validOutcome = JSON.parse(valid.body) as { issue: Array<{ severity: string }> };
    expect(validOutcome.issue.some((issue) => issue.severity === 'error')).toBe(false);
    const invalid = await validate('/fhir/R4/Patient/$validate', {
      resourceType: 'Patient',
      gender: 'robot',
    });
    expect(invalid.statusCode).toBe(200);
    const issues = (JSON.parse(invalid.body) as { issue: Array<{ severity: string; expression?: string[] }> })
      .issue;
    expect(issues.find((issue) => issue.severity === 'error')?.expression).toEqual(['Patient.gender']);
    const wrapped = await validate('/fhir/R4/Patient/p9/$validate', {
      resourceType: 'Parameters',
      parameter: [{ name: 'resource', resource: { resourceType: 'Patient', id: 'other' } }],
    });
    expect(
      JSON.parse(wrapped.body).issue.some((issue: { severity: string }) => issue.severity === 'error'),
    ).toBe(true);
    expect((await host.app.inject({ url: '/fhir/R4/Patient/p9' })).statusCode).toBe(404);
  });
});

it('exports write metrics without ids', async () => {
  const metrics = await host.app.inject({ url: '/metrics' });
  expect(metrics.body).toMatch(/records_writes_total\{interaction="create",outcome="created"\} \d+/);
  expect(metrics.body).toContain('records_outbox_pending');
});
