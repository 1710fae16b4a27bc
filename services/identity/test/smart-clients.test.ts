// Real SMART clients against the real platform (gateway + identity + records, auth on): SMART's own
// JavaScript client `fhirclient` (its Node adapter, inside a small node:http app) runs a standalone
// launch with PKCE and an EHR launch, the test driving the browser's part over HTTP (authorize,
// sign-in, consent, back to the app); `fhir-kit-client` reads and searches with the tokens, and as a
// SMART Backend Services client (client_credentials, private_key_jwt RS384) discovered through its
// own smartAuthMetadata(). Each reads its patient compartment and is refused outside it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Client as FhirKitClient } from 'fhir-kit-client';
import smart from 'fhirclient';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  CookieJar,
  createUser,
  freePort,
  type Platform,
  registerApp,
  startPlatform,
  systemToken,
  type TestUser,
  userTokens,
} from './support/platform.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into FHIR JSON replies
type Json = any;

let platform: Platform;
let system: string;
let fhirBase: string;
let appServer: Server;
let appUrl: string;
let appClientId: string;
let patientUser: TestUser;
let clinician: TestUser;

/** What the SMART app saw once fhirclient's ready() resolved: its context and what it could read. */
interface AppReport {
  patient: string | undefined;
  tokenPatient: unknown;
  scope: string;
  accessToken: string;
  ownPatient: Json;
  ownObservations: Json;
  otherPatientStatus: number | undefined;
  /** Status of reading `probe` (when set): 200, or the refusal. */
  probeStatus?: number;
}

/** A resource the app also tries to read, to report what the server answered. */
let probe: string | undefined;

/** fhirclient keeps its launch state here (one browser, one app). */
const store = new Map<string, unknown>();
const storage = {
  get: async (key: string) => store.get(key),
  set: async (key: string, value: unknown) => {
    store.set(key, value);
    return value;
  },
  unset: async (key: string) => store.delete(key),
};

let launchOptions: Record<string, unknown> = {};

/** The SMART app: /launch starts authorization (standalone or EHR), /callback completes it and reads. */
async function appHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', appUrl);
  const api = smart(req, res, storage);
  if (url.pathname === '/launch') {
    await api.authorize({
      clientId: appClientId,
      redirectUri: `${appUrl}/callback`,
      pkceMode: 'required',
      ...launchOptions,
    } as never);
    return;
  }
  if (url.pathname === '/callback') {
    const client = await api.ready();
    const patient = client.patient.id ?? undefined;
    const other = patient === 'smart-p1' ? 'smart-p2' : 'smart-p1';
    let otherPatientStatus: number | undefined;
    try {
      await client.request(`Patient/${other}`);
    } catch (error) {
      otherPatientStatus = (error as { status?: number }).status;
    }
    let probeStatus: number | undefined;
    if (probe !== undefined) {
      probeStatus = await client.request(probe).then(
        () => 200,
        (error: { status?: number }) => error.status,
      );
    }
    const report: AppReport = {
      ...(probeStatus === undefined ? {} : { probeStatus }),
      patient,
      tokenPatient: client.state.tokenResponse?.patient,
      scope: String(client.state.tokenResponse?.scope ?? ''),
      accessToken: String(client.state.tokenResponse?.access_token ?? ''),
      ownPatient: await client.patient.read(),
      ownObservations: await client.request(`Observation?patient=${patient}`),
      otherPatientStatus,
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(report));
    return;
  }
  res.writeHead(404);
  res.end();
}

/** The browser: follows redirects between the app and identity, signing in when the login page shows. */
async function browse(start: string, user: TestUser): Promise<AppReport> {
  const jar = new CookieJar();
  let url = start;
  let init: RequestInit = {};
  for (let hop = 0; hop < 12; hop++) {
    const onIdentity = url.startsWith(platform.url);
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        ...(onIdentity ? { cookie: jar.header() } : {}),
      },
    });
    if (onIdentity) jar.take(response);
    const location = response.headers.get('location');
    if (location !== null) {
      url = new URL(location, url).href;
      init = {};
      continue;
    }
    const body = await response.text();
    if (response.status === 200 && body.includes('name="password"')) {
      // The sign-in page: submit the credentials (the interaction grants the consent).
      url = `${url}/login`;
      init = {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: user.username, password: user.password }).toString(),
      };
      continue;
    }
    if (response.status !== 200)
      throw new Error(`browser stopped at ${url}: ${response.status} ${body.slice(0, 300)}`);
    return JSON.parse(body) as AppReport;
  }
  throw new Error('too many redirects');
}

beforeAll(async () => {
  platform = await startPlatform();
  fhirBase = `${platform.url}/fhir/R4`;
  system = await systemToken(platform);
  for (const id of ['smart-p1', 'smart-p2']) {
    await api(platform, 'PUT', `/fhir/R4/Patient/${id}`, system, {
      resourceType: 'Patient',
      id,
      name: [{ family: `Family-${id}` }],
    });
    await api(platform, 'PUT', `/fhir/R4/Observation/${id}-hr`, system, {
      resourceType: 'Observation',
      id: `${id}-hr`,
      status: 'final',
      category: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
          ],
        },
      ],
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: `Patient/${id}` },
      valueQuantity: { value: 72, unit: '/min' },
    });
  }
  await api(platform, 'PUT', '/fhir/R4/Observation/smart-p1-lab', system, {
    resourceType: 'Observation',
    id: 'smart-p1-lab',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7' }] },
    subject: { reference: 'Patient/smart-p1' },
    valueQuantity: { value: 5.4, unit: 'mmol/L' },
  });
  patientUser = await createUser(platform, system, {
    username: 'smart-patient',
    roles: ['patient'],
    patientId: 'smart-p1',
  });
  clinician = await createUser(platform, system, { username: 'smart-clinician', roles: ['clinician'] });
  const team = await api(platform, 'POST', '/auth/admin/care-teams', system, {
    name: 'SMART ward',
    kind: 'ward',
    members: [{ userId: clinician.id }],
    patients: ['smart-p1', 'smart-p2'],
  });
  expect(team.status).toBe(201);

  const port = await freePort();
  appUrl = `http://127.0.0.1:${port}`;
  appServer = createServer((req, res) => {
    appHandler(req, res).catch((error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String((error as Error).stack ?? error));
    });
  });
  await new Promise<void>((resolve) => appServer.listen(port, '127.0.0.1', resolve));
  const registered = await api(platform, 'POST', '/auth/admin/clients', system, {
    client_name: 'fhirclient test app',
    redirect_uris: [`${appUrl}/callback`],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    scope: 'patient/*.rs',
  });
  expect(registered.status).toBe(201);
  appClientId = registered.body.client_id as string;
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => appServer?.close(resolve));
  await platform?.stop();
});

describe('fhirclient (SMART App Launch)', () => {
  it('standalone launch with PKCE: the patient signs in, the app reads their record and nobody else’s', async () => {
    launchOptions = { iss: fhirBase, scope: 'openid fhirUser launch/patient patient/*.rs' };
    const report = await browse(`${appUrl}/launch`, patientUser);
    expect(report.tokenPatient).toBe('smart-p1');
    expect(report.patient).toBe('smart-p1');
    expect(report.scope.split(' ')).toContain('patient/*.rs');
    expect(report.ownPatient).toMatchObject({ resourceType: 'Patient', id: 'smart-p1' });
    expect(report.ownObservations.entry.map((entry: Json) => entry.resource.id).sort()).toEqual([
      'smart-p1-hr',
      'smart-p1-lab',
    ]);
    // Outside the compartment the server does not even confirm the record exists.
    expect(report.otherPatientStatus).toBe(404);

    // fhir-kit-client with the same token: search and read within the compartment, refused outside.
    const kit = new FhirKitClient({ baseUrl: fhirBase, bearerToken: report.accessToken });
    const bundle = (await kit.search({
      resourceType: 'Observation',
      searchParams: { patient: 'smart-p1', code: 'http://loinc.org|8867-4' },
    })) as Json;
    expect(bundle.entry).toHaveLength(1);
    const compartment = (await kit.compartmentSearch({
      resourceType: 'Observation',
      compartment: { resourceType: 'Patient', id: 'smart-p1' },
    })) as Json;
    expect(compartment.entry.map((entry: Json) => entry.resource.id).sort()).toEqual([
      'smart-p1-hr',
      'smart-p1-lab',
    ]);
    await expect(kit.read({ resourceType: 'Patient', id: 'smart-p2' })).rejects.toMatchObject({
      response: { status: 404 },
    });
  });

  it('EHR launch: the launch parameter and scope carry the EHR’s patient into the token response', async () => {
    // The EHR (a clinician's session) registers the context, then launches the app with it.
    const ehrApp = await registerApp(platform, system, 'user/*.cruds');
    const ehr = await userTokens(platform, {
      clientId: ehrApp,
      scope: 'user/*.cruds',
      username: clinician.username,
      password: clinician.password,
    });
    const launched = await api(platform, 'POST', '/auth/launch', ehr.access_token, { patient: 'smart-p2' });
    expect(launched.status).toBe(201);
    const launch = launched.body.launch as string;

    launchOptions = { scope: 'openid fhirUser launch patient/*.rs' };
    const report = await browse(
      `${appUrl}/launch?${new URLSearchParams({ iss: fhirBase, launch })}`,
      clinician,
    );
    expect(report.tokenPatient).toBe('smart-p2');
    expect(report.patient).toBe('smart-p2');
    expect(report.ownPatient).toMatchObject({ resourceType: 'Patient', id: 'smart-p2' });
    expect(report.ownObservations.entry.map((entry: Json) => entry.resource.id)).toEqual(['smart-p2-hr']);
    // The clinician's care team has smart-p1 too, but a patient/ scope narrows to the launch patient.
    expect(report.otherPatientStatus).toBe(404);
  });

  it('granular scope (SMART v2): an app given only vital signs reads them, and not the laboratory result', async () => {
    const vitalSigns =
      'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs';
    const registered = await api(platform, 'POST', '/auth/admin/clients', system, {
      client_name: 'vital signs app',
      redirect_uris: [`${appUrl}/callback`],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'none',
      scope: `patient/Patient.rs ${vitalSigns}`,
    });
    expect(registered.status).toBe(201);
    launchOptions = {
      iss: fhirBase,
      clientId: registered.body.client_id,
      scope: `openid fhirUser launch/patient patient/Patient.rs ${vitalSigns}`,
    };
    probe = 'Observation/smart-p1-lab';
    try {
      const report = await browse(`${appUrl}/launch`, patientUser);
      expect(report.scope.split(' ')).toContain(vitalSigns);
      expect(report.ownObservations.entry.map((entry: Json) => entry.resource.id)).toEqual(['smart-p1-hr']);
      expect(report.probeStatus).toBe(404);
      const kit = new FhirKitClient({ baseUrl: fhirBase, bearerToken: report.accessToken });
      expect(await kit.read({ resourceType: 'Observation', id: 'smart-p1-hr' })).toMatchObject({
        id: 'smart-p1-hr',
      });
      await expect(
        kit.create({
          resourceType: 'Observation',
          body: {
            resourceType: 'Observation',
            status: 'final',
            code: {},
            subject: { reference: 'Patient/smart-p1' },
          },
        }),
      ).rejects.toMatchObject({ response: { status: 403 } });
    } finally {
      probe = undefined;
    }
  });

  it('an unknown launch id stops at the authorization server, not in the app', async () => {
    launchOptions = { scope: 'openid launch patient/*.rs' };
    await expect(
      browse(`${appUrl}/launch?${new URLSearchParams({ iss: fhirBase, launch: randomUUID() })}`, clinician),
    ).rejects.toThrow(/browser stopped at http:\/\/127\.0\.0\.1:\d+\/auth\/interaction\/.*: 400/);
  });
});

describe('fhir-kit-client (SMART Backend Services)', () => {
  it('discovers the token URL, authenticates with private_key_jwt, reads its scope and is refused outside it', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS384', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'backend-1', alg: 'RS384', use: 'sig' };
    const clientId = `backend-${randomUUID()}`;
    const registered = await api(platform, 'POST', '/auth/admin/clients', system, {
      client_id: clientId,
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [jwk] },
      scope: 'system/Patient.rs system/Observation.rs',
    });
    expect(registered.status).toBe(201);

    const kit = new FhirKitClient({ baseUrl: fhirBase });
    const metadata = await kit.smartAuthMetadata();
    const tokenUrl = String(metadata.tokenUrl);
    expect(tokenUrl).toBe(`${platform.url}/auth/token`);
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS384', kid: 'backend-1', typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl)
      .setExpirationTime('4m')
      .sign(privateKey);
    const tokenResponse = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.rs system/Observation.rs',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    });
    expect(tokenResponse.status).toBe(200);
    const token = (await tokenResponse.json()) as { access_token: string; expires_in: number };
    expect(token.expires_in).toBeLessThanOrEqual(300);
    kit.bearerToken = token.access_token;

    expect(await kit.read({ resourceType: 'Patient', id: 'smart-p1' })).toMatchObject({ id: 'smart-p1' });
    const compartment = (await kit.compartmentSearch({
      resourceType: 'Observation',
      compartment: { resourceType: 'Patient', id: 'smart-p1' },
    })) as Json;
    expect(compartment.entry.map((entry: Json) => entry.resource.id).sort()).toEqual([
      'smart-p1-hr',
      'smart-p1-lab',
    ]);
    // Outside its scopes: another type of the compartment, and a write.
    await expect(
      kit.compartmentSearch({
        resourceType: 'Condition',
        compartment: { resourceType: 'Patient', id: 'smart-p1' },
      }),
    ).rejects.toMatchObject({ response: { status: 403 } });
    await expect(
      kit.create({
        resourceType: 'Observation',
        body: { resourceType: 'Observation', status: 'final', code: {} },
      }),
    ).rejects.toMatchObject({ response: { status: 403 } });
    // A replayed assertion is refused.
    const replay = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/Patient.rs',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      }).toString(),
    });
    expect(replay.status).toBe(401);
  });
});
