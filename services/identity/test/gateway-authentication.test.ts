// The gateway's authentication hook with identity behind it (authentication on, as `start` runs):
// public paths pass without a token, every other path needs a valid one (401 + WWW-Authenticate +
// OperationOutcome otherwise), and each client is rate limited (429 + Retry-After).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayService } from '@healthlane/gateway';
import { type AnyServiceDefinition, type Host, startHost } from '@healthlane/kit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { type BootstrapCredentials, identityService } from '../src/index.ts';
import { basic, form, freePort } from './support/platform.ts';

const echo: AnyServiceDefinition = {
  name: 'echo',
  description: 'a protected fixture service',
  prefixes: ['/echo'],
  config: z.object({}),
  migrations: [],
  async create() {
    return {
      async routes(app) {
        app.get('/echo', async () => ({ ok: true }));
      },
    };
  },
};

let host: Host;
let dataDir: string;
let token: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'healthlane-gateway-auth-'));
  const port = await freePort();
  host = await startHost({
    services: [gatewayService, identityService, echo] as AnyServiceDefinition[],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: dataDir,
      HEALTHLANE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      GATEWAY_CONSOLE_DIR: 'none',
      GATEWAY_RATE_LIMIT_PER_SECOND: '5',
    },
  });
  const bootstrap = JSON.parse(
    await readFile(join(dataDir, 'bootstrap.json'), 'utf8'),
  ) as BootstrapCredentials;
  const issued = await form(
    `${host.url}/auth/token`,
    { grant_type: 'client_credentials', scope: 'system/*.rs' },
    { authorization: basic(bootstrap.clientId, bootstrap.clientSecret) },
  );
  token = issued.body.access_token as string;
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

it('lets the public paths through without a token', async () => {
  for (const path of [
    '/',
    '/livez',
    '/readyz',
    '/fhir/R4/.well-known/smart-configuration',
    '/auth/jwks',
    '/auth/.well-known/openid-configuration',
  ]) {
    expect((await fetch(`${host.url}${path}`)).status, path).toBe(200);
  }
});

it('answers 401 with WWW-Authenticate and an OperationOutcome without a token, or with a bad one', async () => {
  for (const authorization of [undefined, 'Bearer not-a-jwt', `Bearer ${token}x`, `Basic ${token}`]) {
    const response = await fetch(`${host.url}/echo`, { headers: authorization ? { authorization } : {} });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="healthlane"/);
    const body = (await response.json()) as { resourceType: string; issue: Array<{ diagnostics: string }> };
    expect(body.resourceType).toBe('OperationOutcome');
    expect(JSON.stringify(body)).not.toContain(token.slice(-20));
  }
  // Unknown paths too: nothing tells an unauthenticated caller what exists.
  expect((await fetch(`${host.url}/no-such-service`)).status).toBe(401);
});

it('lets a valid token through', async () => {
  const response = await fetch(`${host.url}/echo`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
});

it('rate limits each client: 429 with Retry-After beyond its bucket', async () => {
  // 30 at once: more than the bucket holds (twice 5 per second), whatever the machine's speed.
  const responses = await Promise.all(
    Array.from({ length: 30 }, () =>
      fetch(`${host.url}/echo`, { headers: { authorization: `Bearer ${token}` } }),
    ),
  );
  const limited = responses.filter((response) => response.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  expect(limited[0]!.headers.get('retry-after')).toBe('1');
  expect(responses.filter((response) => response.status === 200).length).toBeGreaterThan(0);
});
