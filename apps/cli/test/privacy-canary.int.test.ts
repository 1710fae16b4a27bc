// The privacy canary, against the real all-in-one `healthlane start` on PostgreSQL with
// authentication on and debug logging: marker values — a patient's name, an MRN, a birth date, an
// Observation value, passwords, client secrets, bearer tokens, a break-glass reason — go through
// create, read, search, failed validation, sign-in, break-glass and refused token paths; then the
// process's stdout and stderr, /metrics, every error body and every span exported to a local OTLP
// receiver are searched for them in every form they could take (privacy-canary-scanner.test.ts
// proves the scanner finds them; a run found a value echoed, see the unknown-parameter case).
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Canary, type CanaryHit, scanForCanaries } from './support/privacy-canary.ts';
import { type CliProcess, freePort, spawnCli, waitFor200 } from './support/spawn-cli.ts';

const marker = randomBytes(3).toString('hex');
const canary = {
  family: `Quorblefam${marker}`,
  given: `Zintgiven${marker}`,
  mrn: `MRN-${marker}-77415`,
  birthDate: '1931-07-19',
  observationText: `Glimmerval-${marker}`,
  observationQuantity: '4242.4243',
  breakGlassReason: `Unresponsive after fall, canary ${marker} reason`,
  password: `Pw-Canary-${marker}-Secret9`,
  wrongPassword: `Wrong-Canary-${marker}-Pw`,
  wrongSecret: `Bad-Canary-Secret-${marker}`,
  forgedBearer: `canary.${marker}.forged-bearer-token`,
};

let database: TestPostgresDatabase;
let dataDir: string;
let cli: CliProcess;
let url = '';
let collector: Server;
const spans: string[] = [];
/** Bodies of every failed (≥ 400) response the test provoked or met, with the request that got it. */
const errorBodies: { request: string; status: number; body: string }[] = [];
const canaries: Canary[] = [];

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${url}${path}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined && !options.headers?.['content-type']
        ? { 'content-type': 'application/fhir+json' }
        : {}),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  if (response.status >= 400)
    errorBodies.push({ request: `${method} ${path.split('?')[0]}`, status: response.status, body: text });
  return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function tokenFor(clientId: string, secret: string, scope = 'system/*.cruds') {
  return call('POST', '/auth/token', {
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(clientId, secret) },
  });
}

/** A browser's sign-in through the authorization endpoint and the login page. */
async function signIn(clientId: string, redirectUri: string, username: string, password: string) {
  const cookies = new Map<string, string>();
  const go = async (target: string, init: RequestInit = {}) => {
    const response = await fetch(new URL(target, url), {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const text = await response.text();
    if (response.status >= 400)
      errorBodies.push({
        request: `${init.method ?? 'GET'} ${new URL(target, url).pathname}`,
        status: response.status,
        body: text,
      });
    return { status: response.status, location: response.headers.get('location'), text };
  };
  const verifier = randomBytes(32).toString('base64url');
  const authorize = await go(
    `/auth/auth?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid user/*.rs',
      state: 'canary-state',
      aud: `${url}/fhir/R4`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    })}`,
  );
  const interaction = new URL(authorize.location ?? '', url).href;
  await go(interaction);
  const login = await go(`${interaction}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  let location = login.location;
  for (let hop = 0; hop < 4 && location !== null && !location.startsWith(redirectUri); hop++) {
    location = (await go(location)).location;
  }
  return { status: login.status, location, text: login.text, verifier };
}

beforeAll(async () => {
  database = await createTestPostgresDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'healthlane-canary-'));
  const collectorPort = await freePort();
  collector = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      spans.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  cli = spawnCli(['start'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    HEALTHLANE_DATA_DIR: dataDir,
    HEALTHLANE_PUBLIC_URL: url,
    HEALTHLANE_AUTH: 'on',
    HEALTHLANE_DEMO: '0',
    LOG_LEVEL: 'debug',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
  });
  await waitFor200(`${url}/readyz`, 90_000).catch((error: Error) => {
    throw new Error(
      `${error.message}\n${cli.output().stderr.slice(-2000)}\n${cli.output().stdout.slice(-2000)}`,
    );
  });
}, 120_000);

afterAll(async () => {
  if (cli?.child.exitCode === null) cli.child.kill('SIGKILL');
  await new Promise((resolve) => collector?.close(resolve));
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

it('no canary value reaches the logs, /metrics, an error body or an exported span', async () => {
  const bootstrap = JSON.parse(await readFile(join(dataDir, 'bootstrap.json'), 'utf8')) as Record<
    string,
    string
  >;
  const issued = await tokenFor(bootstrap.clientId!, bootstrap.clientSecret!);
  expect(issued.status).toBe(200);
  const token = issued.json().access_token as string;

  // Create, read and search a patient and an observation that carry the markers.
  const patientBody = {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: canary.mrn }],
    name: [{ family: canary.family, given: [canary.given] }],
    birthDate: canary.birthDate,
  };
  const patient = await call('POST', '/fhir/R4/Patient', { token, body: JSON.stringify(patientBody) });
  expect(patient.status).toBe(201);
  const patientId = patient.json().id as string;
  const observationBody = (value: Record<string, unknown>) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'canary measurement' },
    subject: { reference: `Patient/${patientId}` },
    ...value,
  });
  expect(
    (
      await call('POST', '/fhir/R4/Observation', {
        token,
        body: JSON.stringify(observationBody({ valueString: canary.observationText })),
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await call('POST', '/fhir/R4/Observation', {
        token,
        body: JSON.stringify(
          observationBody({ valueQuantity: { value: Number(canary.observationQuantity), unit: 'mg' } }),
        ),
      })
    ).status,
  ).toBe(201);
  expect((await call('GET', `/fhir/R4/Patient/${patientId}`, { token })).status).toBe(200);
  for (const query of [
    `family=${canary.family}`,
    `identifier=${encodeURIComponent(canary.mrn)}`,
    `birthdate=${canary.birthDate}`,
    `name=${canary.given}&birthdate=ge${canary.birthDate}`,
  ]) {
    expect((await call('GET', `/fhir/R4/Patient?${query}`, { token })).status).toBe(200);
  }
  expect(
    (await call('GET', `/fhir/R4/Observation?value-string=${canary.observationText}`, { token })).status,
  ).toBe(200);
  expect(
    (await call('GET', `/fhir/R4/Observation?value-quantity=${canary.observationQuantity}`, { token }))
      .status,
  ).toBe(200);
  const searched = await call('POST', '/fhir/R4/Patient/_search', {
    token,
    body: new URLSearchParams({ family: canary.family, identifier: canary.mrn }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(searched.status).toBe(200);

  // Failed validation and bad searches that carry the markers: 4xx, and nothing of them echoed.
  const invalid = [
    await call('POST', '/fhir/R4/Patient', {
      token,
      body: JSON.stringify({ ...patientBody, gender: 'bogus' }),
    }),
    await call('POST', '/fhir/R4/Patient', {
      token,
      body: JSON.stringify({ ...patientBody, birthDate: `${canary.birthDate}T25:99` }),
    }),
    await call('PUT', `/fhir/R4/Patient/${patientId}`, {
      token,
      body: JSON.stringify({ ...patientBody, id: 'another-id' }),
    }),
    await call('POST', '/fhir/R4/Observation', {
      token,
      body: JSON.stringify({ ...observationBody({ valueString: canary.observationText }), status: 'canary' }),
    }),
    await call('POST', '/fhir/R4/Patient', {
      token,
      body: `{"resourceType":"Patient","name":[{"family":"${canary.family}"`,
    }),
    await call('GET', `/fhir/R4/Patient?birthdate=xx${canary.birthDate}`, { token }),
    // An unknown parameter's name is echoed so the client can fix its query (names are not where
    // values go); its value never is.
    await call('GET', `/fhir/R4/Patient?no-such-parameter=${canary.mrn}`, { token }),
    await call('GET', `/fhir/R4/Observation?value-quantity=zz${canary.observationQuantity}`, { token }),
  ];
  for (const reply of invalid) {
    expect(reply.status, reply.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
    expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(500);
  }

  // A user with a marked password signs in; a wrong password and a forged bearer are refused.
  const appRedirect = 'http://127.0.0.1:9/canary-callback';
  const app = await call('POST', '/auth/admin/clients', {
    token,
    body: JSON.stringify({
      client_name: 'Canary app',
      redirect_uris: [appRedirect],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      scope: 'user/*.rs',
    }),
    headers: { 'content-type': 'application/json' },
  });
  expect(app.status).toBe(201);
  const user = await call('POST', '/auth/admin/users', {
    token,
    body: JSON.stringify({
      username: `canary-user-${marker}`,
      roles: ['clinician'],
      password: canary.password,
    }),
    headers: { 'content-type': 'application/json' },
  });
  expect(user.status).toBe(201);
  const appId = app.json().client_id as string;
  const good = await signIn(appId, appRedirect, `canary-user-${marker}`, canary.password);
  expect(good.location ?? '').toContain('code=');
  // The user's own token (it is a canary too), and break-glass with a reason that must stay in
  // identity's record: opened once, refused once for a malformed patient id that carries the MRN.
  const exchanged = await call('POST', '/auth/token', {
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: new URL(good.location ?? 'http://x').searchParams.get('code') ?? '',
      redirect_uri: appRedirect,
      client_id: appId,
      code_verifier: good.verifier,
    }).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(exchanged.status).toBe(200);
  const userToken = exchanged.json().access_token as string;
  const breakGlass = (patient: string) =>
    call('POST', '/auth/break-glass', {
      token: userToken,
      body: JSON.stringify({ patient, reason: canary.breakGlassReason }),
      headers: { 'content-type': 'application/json' },
    });
  expect((await breakGlass(patientId)).status).toBe(201);
  expect((await breakGlass(`${canary.mrn} ${canary.family}`)).status).toBe(400);
  // The grant reaches the records verifier over the bus, a moment after the 201: read until it has.
  let emergencyRead = 0;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    emergencyRead = (await call('GET', `/fhir/R4/Patient/${patientId}`, { token: userToken })).status;
    if (emergencyRead === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(emergencyRead).toBe(200);
  const bad = await signIn(appId, appRedirect, `canary-user-${marker}`, canary.wrongPassword);
  expect(bad.status).toBe(401);
  expect((await call('GET', '/fhir/R4/Patient', { token: canary.forgedBearer })).status).toBe(401);
  expect(
    (await call('GET', `/fhir/R4/Patient/${patientId}`, { token: `${token.slice(0, -6)}AAAAAA` })).status,
  ).toBe(401);

  // A confidential client with its secret; a wrong secret is refused.
  const confidential = await call('POST', '/auth/admin/clients', {
    token,
    body: JSON.stringify({
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'system/Patient.rs',
    }),
    headers: { 'content-type': 'application/json' },
  });
  expect(confidential.status).toBe(201);
  const { client_id: confidentialId, client_secret: confidentialSecret } = confidential.json() as Record<
    string,
    string
  >;
  const confidentialToken = await tokenFor(confidentialId!, confidentialSecret!, 'system/Patient.rs');
  expect(confidentialToken.status).toBe(200);
  expect((await tokenFor(confidentialId!, canary.wrongSecret, 'system/Patient.rs')).status).toBe(401);
  expect((await tokenFor(bootstrap.clientId!, canary.wrongSecret)).status).toBe(401);
  const secondToken = confidentialToken.json().access_token as string;
  expect((await call('GET', `/fhir/R4/Patient/${patientId}`, { token: secondToken })).status).toBe(200);

  canaries.push(
    { label: 'patient family name', value: canary.family },
    { label: 'patient given name', value: canary.given },
    { label: 'MRN identifier', value: canary.mrn },
    { label: 'birth date', value: canary.birthDate },
    { label: 'Observation valueString', value: canary.observationText },
    { label: 'Observation valueQuantity', value: canary.observationQuantity },
    { label: 'user password', value: canary.password },
    { label: 'wrong password', value: canary.wrongPassword },
    { label: 'bootstrap client secret', value: bootstrap.clientSecret! },
    { label: 'registered client secret', value: confidentialSecret! },
    { label: 'wrong client secret', value: canary.wrongSecret },
    { label: 'bearer token', value: token },
    { label: 'second bearer token', value: secondToken },
    { label: 'forged bearer token', value: canary.forgedBearer },
    { label: 'user bearer token', value: userToken },
    { label: 'break-glass reason', value: canary.breakGlassReason },
  );

  // Spans leave in batches (every 5 s): wait for one that follows the last request, then stop the
  // platform so it flushes what is left and its last log lines are written.
  const before = spans.length;
  const deadline = Date.now() + 15_000;
  while (spans.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const metrics = await call('GET', '/metrics');
  expect(metrics.status).toBe(200);
  cli.child.kill('SIGTERM');
  await Promise.race([cli.exited, new Promise((r) => setTimeout(r, 15_000))]);

  const { stdout, stderr } = cli.output();
  // The capture is real: debug logs were written, and spans arrived.
  expect(stdout.length + stderr.length).toBeGreaterThan(1000);
  expect(stdout + stderr).toMatch(/"level":"debug"/);
  expect(spans.length).toBeGreaterThan(0);
  expect(spans.join('')).toContain('resourceSpans');
  expect(metrics.text).toContain('http_server_request_duration_seconds');

  const hits: CanaryHit[] = [
    ...scanForCanaries('stdout', stdout, canaries),
    ...scanForCanaries('stderr', stderr, canaries),
    ...scanForCanaries('/metrics', metrics.text, canaries),
    ...spans.flatMap((batch, index) => scanForCanaries(`OTLP batch ${index}`, batch, canaries)),
    ...errorBodies.flatMap((reply) =>
      scanForCanaries(`error body ${reply.request} (${reply.status})`, reply.body, canaries),
    ),
  ];
  expect(errorBodies.length).toBeGreaterThanOrEqual(invalid.length + 5);
  expect(hits).toEqual([]);
}, 120_000);
