// Test harness: gateway + identity + records hosted by the real kit host (as `healthlane start`
// composes them) on a loopback port, with authentication ON, PGlite in a temp data folder, the
// in-process bus, and an adjustable clock. Helpers speak OAuth the way real clients do: fetch,
// a cookie jar, PKCE.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayService } from '@healthlane/gateway';
import { type AnyServiceDefinition, type Host, startHost } from '@healthlane/kit';
import { createRecordsService } from '@healthlane/records';
import { type BootstrapCredentials, identityService } from '../../src/index.ts';

export interface Platform {
  host: Host;
  url: string;
  dataDir: string;
  bootstrap: BootstrapCredentials;
  /** Moves the platform's clock (token verification, lockout, break-glass) forward. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPlatform(
  env: Record<string, string> = {},
  extraServices: AnyServiceDefinition[] = [],
): Promise<Platform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'healthlane-identity-'));
  const port = await freePort();
  let offset = 0;
  const host = await startHost({
    services: [
      gatewayService,
      identityService,
      createRecordsService(),
      ...extraServices,
    ] as AnyServiceDefinition[],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: dataDir,
      HEALTHLANE_DEMO: '0',
      GATEWAY_CONSOLE_DIR: 'none',
      HEALTHLANE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
    clock: { now: () => new Date(Date.now() + offset) },
  });
  const bootstrap = JSON.parse(
    await readFile(join(dataDir, 'bootstrap.json'), 'utf8'),
  ) as BootstrapCredentials;
  return {
    host,
    url: host.url,
    dataDir,
    bootstrap,
    advance(ms) {
      offset += ms;
    },
    async stop() {
      await host.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

export async function form(url: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: (text.startsWith('{') ? JSON.parse(text) : text) as Record<string, unknown>,
  };
}

/** A system token from the bootstrap client (client_secret_basic). */
export async function systemToken(platform: Platform, scope = 'system/*.cruds'): Promise<string> {
  const { status, body } = await form(
    platform.bootstrap.tokenUrl,
    { grant_type: 'client_credentials', scope },
    { authorization: basic(platform.bootstrap.clientId, platform.bootstrap.clientSecret) },
  );
  if (status !== 200) throw new Error(`token: ${status} ${JSON.stringify(body)}`);
  return body.access_token as string;
}

export async function api(
  platform: Platform,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined
        ? {}
        : { 'content-type': path.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : JSON.parse(text), headers: response.headers };
}

export interface TestUser {
  id: string;
  username: string;
  password: string;
}

export async function createUser(
  platform: Platform,
  adminToken: string,
  user: { username: string; roles: string[]; patientId?: string },
): Promise<TestUser> {
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const created = await api(platform, 'POST', '/auth/admin/users', adminToken, { ...user, password });
  if (created.status !== 201)
    throw new Error(`create user: ${created.status} ${JSON.stringify(created.body)}`);
  return { id: created.body.id as string, username: user.username, password };
}

export const redirectUri = 'http://127.0.0.1:9/callback';

/** Registers a public SMART app (PKCE, no secret) allowed the given SMART scopes. */
export async function registerApp(platform: Platform, adminToken: string, scope: string): Promise<string> {
  const created = await api(platform, 'POST', '/auth/admin/clients', adminToken, {
    client_name: 'Test app',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    scope,
  });
  if (created.status !== 201) throw new Error(`register: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.client_id as string;
}

/** A browser's cookie jar, good enough for one origin. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeOptions {
  clientId: string;
  scope: string;
  username: string;
  password: string;
  otp?: string;
  patient?: string;
  /** Extra or replaced authorization request parameters (to build negative cases). */
  params?: Record<string, string | undefined>;
  jar?: CookieJar;
}

/** Runs the browser part of the code flow; resolves with the redirect back to the app (or where it stopped). */
export async function authorize(platform: Platform, options: AuthorizeOptions) {
  const jar = options.jar ?? new CookieJar();
  const pkce = pkcePair();
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: redirectUri,
    scope: options.scope,
    state: randomBytes(8).toString('hex'),
    aud: `${platform.url}/fhir/R4`,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
  };
  for (const [key, value] of Object.entries(options.params ?? {})) {
    if (value === undefined) delete params[key];
    else params[key] = value;
  }
  const go = async (url: string, init: RequestInit = {}) => {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
    });
    jar.take(response);
    return response;
  };
  let response = await go(`${platform.url}/auth/auth?${new URLSearchParams(params)}`);
  let location = response.headers.get('location');
  if (response.status >= 400 || location === null) {
    return { status: response.status, body: await response.text(), verifier: pkce.verifier, jar };
  }
  if (location.startsWith(redirectUri))
    return { status: response.status, location, verifier: pkce.verifier, jar };
  const interactionUrl = new URL(location, platform.url).href;
  await (await go(interactionUrl)).text();
  response = await go(`${interactionUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: options.username,
      password: options.password,
      ...(options.otp ? { otp: options.otp } : {}),
      ...(options.patient ? { patient: options.patient } : {}),
    }).toString(),
  });
  location = response.headers.get('location');
  if (location === null)
    return { status: response.status, body: await response.text(), verifier: pkce.verifier, jar };
  // Back to the provider, which redirects to the app with the code.
  for (let hop = 0; hop < 4 && !location.startsWith(redirectUri); hop++) {
    response = await go(new URL(location, platform.url).href);
    location = response.headers.get('location') ?? '';
  }
  return { status: response.status, location, verifier: pkce.verifier, jar };
}

export async function exchangeCode(
  platform: Platform,
  clientId: string,
  location: string,
  verifier?: string,
) {
  const code = new URL(location).searchParams.get('code') ?? '';
  return form(`${platform.url}/auth/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: clientId,
    ...(verifier === undefined ? {} : { code_verifier: verifier }),
  });
}

/** Full code flow: a user token (and refresh token when offline_access is asked). */
export async function userTokens(platform: Platform, options: AuthorizeOptions) {
  const flow = await authorize(platform, options);
  if (!('location' in flow) || !flow.location?.startsWith(redirectUri)) {
    throw new Error(
      `authorize stopped: ${flow.status} ${'body' in flow ? String(flow.body).slice(0, 300) : ''}`,
    );
  }
  const tokens = await exchangeCode(platform, options.clientId, flow.location, flow.verifier);
  if (tokens.status !== 200) throw new Error(`token: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return tokens.body as { access_token: string; refresh_token?: string; patient?: string; scope: string };
}
