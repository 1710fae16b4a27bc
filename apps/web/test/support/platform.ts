// Test harness: the real platform for browser tests — the kit host with the services in-process
// (as `healthlane start` composes them), in-memory PGlite and the in-process bus, the gateway
// serving a console built for this test file. Two shapes: `open` (no identity service, tokens not
// checked: HEALTHLANE_AUTH=off) and `signed` (identity hosted, every API call needs a token).
import { createServer } from 'node:net';
import { auditService } from '@healthlane/audit-service';
import { gatewayService } from '@healthlane/gateway';
import { identityService } from '@healthlane/identity';
import { type AnyServiceDefinition, type Host, startHost } from '@healthlane/kit';
import { createMonitoringService, monitoringService } from '@healthlane/monitoring';
import { recordsService } from '@healthlane/records';
import { buildConsoleInto, type ConsoleBuild } from './console-build.ts';

export interface Platform {
  host: Host;
  url: string;
  build: ConsoleBuild;
  /** The bootstrap system client's bearer header (signed platforms), sent by `call` and `transact`. */
  authorization?: () => Promise<Record<string, string>>;
  stop(): Promise<void>;
}

export const bootstrap = {
  clientId: 'web-test-bootstrap',
  clientSecret: 'web-test-bootstrap-secret-0123456789abcdef',
  adminUser: 'admin',
  adminPassword: 'web-test-admin-password-0123456789',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startPlatform(shape: 'open' | 'signed' = 'open'): Promise<Platform> {
  const build = await buildConsoleInto();
  const port = shape === 'signed' ? await freePort() : 0;
  // With sign-in on, monitoring reads Device assignments from records with a system token (its
  // peer-credentials hook); the default registry passes none yet.
  const monitoring =
    shape === 'signed'
      ? createMonitoringService({ peerCredentials: cachedSystemToken(`http://127.0.0.1:${port}`) })
      : monitoringService;
  const common = [gatewayService, recordsService, monitoring, auditService];
  const env: Record<string, string> =
    shape === 'signed'
      ? {
          PORT: String(port),
          HEALTHLANE_PUBLIC_URL: `http://127.0.0.1:${port}`,
          HEALTHLANE_BOOTSTRAP_CLIENT_ID: bootstrap.clientId,
          HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: bootstrap.clientSecret,
          HEALTHLANE_ADMIN_USER: bootstrap.adminUser,
          HEALTHLANE_ADMIN_PASSWORD: bootstrap.adminPassword,
          // Short-lived access tokens, so the console's refresh is exercised within a test.
          IDENTITY_ACCESS_TOKEN_TTL: '45s',
        }
      : { PORT: '0', HEALTHLANE_AUTH: 'off' };
  const host = await startHost({
    services: (shape === 'signed'
      ? [common[0]!, identityService, ...common.slice(1)]
      : common) as AnyServiceDefinition[],
    env: {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: 'memory://',
      HEALTHLANE_DEMO: '0',
      GATEWAY_CONSOLE_DIR: build.dir,
      ...env,
    },
  });
  const platform: Platform = {
    host,
    url: host.url,
    build,
    async stop() {
      await host.stop();
      await build.remove();
    },
  };
  if (shape === 'signed') platform.authorization = cachedSystemToken(host.url);
  return platform;
}

function cachedSystemToken(url: string): () => Promise<Record<string, string>> {
  let token: { value: string; until: number } | undefined;
  return async () => {
    if (!token || token.until < Date.now())
      token = { value: await systemToken(url), until: Date.now() + 20_000 };
    return { authorization: `Bearer ${token.value}` };
  };
}

/** client_credentials for the bootstrap system client (system/*.cruds, admin role). */
async function systemToken(url: string): Promise<string> {
  const response = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${bootstrap.clientId}:${bootstrap.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'system/*.cruds' }).toString(),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no system token (${response.status}): ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A JSON call to the platform (the test acting as another client: a device, an administrator). */
export async function call<T>(
  platform: Pick<Platform, 'url' | 'authorization'>,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (body !== undefined)
    headers['content-type'] = path.startsWith('/fhir/') ? 'application/fhir+json' : 'application/json';
  Object.assign(headers, await platform.authorization?.());
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** POSTs a FHIR transaction Bundle and returns the ids the server gave, in entry order. */
export async function transact(
  platform: Pick<Platform, 'url' | 'authorization'>,
  bundle: unknown,
): Promise<string[]> {
  const reply = await call<{ entry?: Array<{ response?: { location?: string } }> }>(
    platform,
    'POST',
    '/fhir/R4',
    bundle,
  );
  if (reply.status !== 200)
    throw new Error(`transaction refused (${reply.status}): ${JSON.stringify(reply.body)}`);
  return (reply.body.entry ?? []).map((entry) => entry.response?.location?.split('/')[1] ?? '');
}
