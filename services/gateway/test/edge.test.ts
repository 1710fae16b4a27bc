// The gateway's edge in the all-in-one process: security headers, CORS and the landing page
// apply to every response, including another service's routes, the kit's probes and 404s.
import { type AnyServiceDefinition, type Host, Problem } from '@healthlane/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apiPolicy } from '../src/security-headers.ts';
import { type GatewayApp, startGatewayApp } from './support/gateway-app.ts';
import { startGateway } from './support/gateway-host.ts';

const records: AnyServiceDefinition = {
  name: 'records',
  description: 'fixture standing in for the FHIR store',
  prefixes: ['/fhir'],
  config: z.object({}),
  migrations: [],
  async create() {
    return {
      async routes(app) {
        app.get('/fhir/R4/metadata', async () => ({ resourceType: 'CapabilityStatement' }));
        app.get('/fhir/R4/Patient/:id', async () => {
          throw Problem.notFound('Patient not found');
        });
      },
    };
  },
};

const allowed = 'https://console.example.org';
let host: Host;
// Defaults (no CORS origins, no HSTS, no other service), without a database.
let plain: GatewayApp;

beforeAll(async () => {
  [host, plain] = await Promise.all([
    startGateway({ GATEWAY_CORS_ORIGINS: allowed, GATEWAY_HSTS: 'true' }, [records]),
    startGatewayApp({}),
  ]);
});

afterAll(async () => {
  await Promise.all([host?.stop(), plain?.stop()]);
});

function expectHardened(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('security headers', () => {
  it('cover another service, its errors, the kit probes and unmatched paths', async () => {
    for (const path of [
      '/fhir/R4/metadata',
      '/fhir/R4/Patient/1',
      '/livez',
      '/readyz',
      '/metrics',
      '/nowhere',
    ]) {
      const response = await fetch(`${host.url}${path}`);
      await response.arrayBuffer();
      expectHardened(response);
    }
    const api = await fetch(`${host.url}/fhir/R4/metadata`);
    expect(api.headers.get('content-security-policy')).toBe(apiPolicy);
  });

  it('send HSTS only when GATEWAY_HSTS is set', async () => {
    expect((await fetch(`${plain.url}/livez`)).headers.get('strict-transport-security')).toBeNull();
    expect((await fetch(`${host.url}/livez`)).headers.get('strict-transport-security')).toMatch(
      /max-age=\d+/,
    );
  });
});

describe('landing page', () => {
  it('is HTML under a strict CSP with no unsafe-inline, linking probes and mounted APIs', async () => {
    const response = await fetch(`${host.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/style-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).not.toContain('unsafe-inline');
    expectHardened(response);
    const html = await response.text();
    for (const link of ['/livez', '/readyz', '/metrics', '/fhir/R4/metadata'])
      expect(html).toContain(`href="${link}"`);
  });

  it('leaves out APIs whose service is not running', async () => {
    const html = await (await fetch(`${plain.url}/`)).text();
    expect(html).not.toContain('/fhir/R4/metadata');
    expect(html).toContain('No clinical service is running');
  });
});

describe('CORS', () => {
  it('allows a listed origin on any service route and says Vary: Origin', async () => {
    const response = await fetch(`${host.url}/fhir/R4/metadata`, { headers: { origin: allowed } });
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('gives an unlisted origin no CORS headers', async () => {
    const response = await fetch(`${host.url}/fhir/R4/metadata`, {
      headers: { origin: 'https://evil.example' },
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from a listed origin with 204 and the allowed methods and headers', async () => {
    const response = await fetch(`${host.url}/fhir/R4/Patient`, {
      method: 'OPTIONS',
      headers: {
        origin: allowed,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(allowed);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('refuses a preflight from an unlisted origin with a 403 OperationOutcome', async () => {
    const response = await fetch(`${host.url}/fhir/R4/Patient`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'forbidden' }],
    });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('is off by default: no origin is allowed', async () => {
    const response = await fetch(`${plain.url}/livez`, { headers: { origin: allowed } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
