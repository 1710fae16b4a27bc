// OAuth 2.0 / SMART through the real platform (gateway + identity + records, authentication on):
// backend services with private_key_jwt and its negative cases, the authorization code flow with
// PKCE and its negative cases, refresh-token rotation and revocation, introspection, discovery.
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  authorize,
  basic,
  createUser,
  exchangeCode,
  form,
  type Platform,
  redirectUri,
  registerApp,
  startPlatform,
  systemToken,
  type TestUser,
  userTokens,
} from './support/platform.ts';

let platform: Platform;
let admin: string;
let appId: string;
let patientUser: TestUser;
type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let backend: { clientId: string; key: SigningKey; kid: string };

const decode = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const header = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;

beforeAll(async () => {
  platform = await startPlatform();
  admin = await systemToken(platform);
  appId = await registerApp(platform, admin, 'patient/*.rs user/*.cruds');
  patientUser = await createUser(platform, admin, { username: 'pat-1', roles: ['patient'], patientId: 'p1' });
  const { privateKey, publicKey } = await generateKeyPair('ES384', { extractable: true });
  const kid = randomUUID();
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES384', use: 'sig' };
  const registered = await api(platform, 'POST', '/auth/admin/clients', admin, {
    client_name: 'Lab interface',
    grant_types: ['client_credentials'],
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [jwk] },
    scope: 'system/Observation.cruds system/Patient.rs',
    hl_roles: ['integration'],
  });
  expect(registered.status).toBe(201);
  backend = { clientId: registered.body.client_id as string, key: privateKey, kid };
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

async function assertion(claims: Record<string, unknown> = {}, alg = 'ES384', key: SigningKey = backend.key) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg, kid: backend.kid, typ: 'JWT' })
    .setIssuer(backend.clientId)
    .setSubject(backend.clientId)
    .setAudience((claims.aud as string) ?? platform.bootstrap.tokenUrl)
    .setIssuedAt(now)
    .setExpirationTime((claims.exp as number) ?? now + 240)
    .sign(key);
}

function backendToken(clientAssertion: string, scope = 'system/Observation.rs') {
  return form(platform.bootstrap.tokenUrl, {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion,
  });
}

describe('discovery', () => {
  it('serves the SMART configuration under the FHIR base and a JWKS without private parts', async () => {
    const smart = await api(platform, 'GET', '/fhir/R4/.well-known/smart-configuration', undefined);
    expect(smart.status).toBe(200);
    expect(smart.body).toMatchObject({
      token_endpoint: platform.bootstrap.tokenUrl,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    });
    expect(smart.body.capabilities).toEqual(
      expect.arrayContaining(['permission-v2', 'context-standalone-patient']),
    );
    const jwks = await api(platform, 'GET', '/auth/jwks', undefined);
    const keys = jwks.body.keys as JWK[];
    expect(keys.length).toBeGreaterThanOrEqual(2);
    for (const key of keys) expect(key.d).toBeUndefined();
  });
});

describe('backend services (client_credentials)', () => {
  it('issues a short-lived ES256 JWT for the FHIR base with the scopes asked for, within those registered', async () => {
    const { status, body } = await backendToken(
      await assertion(),
      'system/Observation.rs system/Condition.rs',
    );
    expect(status).toBe(200);
    const token = body.access_token as string;
    expect(header(token).alg).toBe('ES256');
    const claims = decode(token);
    expect(claims.aud).toBe(`${platform.url}/fhir/R4`);
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300);
    expect(claims.scope).toBe('system/Observation.rs'); // Condition was never registered
    expect((await api(platform, 'GET', '/fhir/R4/Observation?_count=1', token)).status).toBe(200);
    expect((await api(platform, 'GET', '/fhir/R4/Condition?_count=1', token)).status).toBe(403);
  });

  it('refuses an assertion for another audience', async () => {
    const { status, body } = await backendToken(await assertion({ aud: `${platform.url}/somewhere-else` }));
    expect(status).toBe(401);
    expect(body.error).toBe('invalid_client');
  });

  it('refuses the issuer as audience: it must be the token URL', async () => {
    expect((await backendToken(await assertion({ aud: `${platform.url}/auth` }))).status).toBe(401);
  });

  it('refuses an unsigned assertion (alg none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${part({ alg: 'none', typ: 'JWT' })}.${part({
      iss: backend.clientId,
      sub: backend.clientId,
      aud: platform.bootstrap.tokenUrl,
      jti: randomUUID(),
      exp: now + 60,
    })}.`;
    expect((await backendToken(unsigned)).status).toBe(401);
  });

  it('refuses an expired assertion and one that expires more than five minutes ahead', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await backendToken(await assertion({ exp: now - 120 }))).status).toBe(401);
    expect((await backendToken(await assertion({ exp: now + 600 }))).status).toBe(401);
  });

  it('refuses a replayed jti', async () => {
    const once = await assertion();
    expect((await backendToken(once)).status).toBe(200);
    const replay = await backendToken(once);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_client');
  });

  it('refuses an algorithm outside RS384/ES384, and a key the client never registered', async () => {
    const other = await generateKeyPair('ES256');
    expect((await backendToken(await assertion({}, 'ES256', other.privateKey))).status).toBe(401);
    const stranger = await generateKeyPair('ES384');
    expect((await backendToken(await assertion({}, 'ES384', stranger.privateKey))).status).toBe(401);
  });

  it('refuses a wrong client secret', async () => {
    const { status } = await form(
      platform.bootstrap.tokenUrl,
      { grant_type: 'client_credentials', scope: 'system/*.rs' },
      { authorization: basic(platform.bootstrap.clientId, 'not-the-secret') },
    );
    expect(status).toBe(401);
  });
});

describe('authorization code with PKCE', () => {
  const scope = 'openid fhirUser launch/patient patient/*.rs offline_access';

  it('signs a patient in and returns their patient context with a token limited to it', async () => {
    const tokens = await userTokens(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
    });
    expect(tokens.patient).toBe('p1');
    expect(tokens.refresh_token).toBeDefined();
    const claims = decode(tokens.access_token);
    expect(claims.patient).toBe('p1');
    expect(claims.scope).toBe('patient/*.rs');
    expect((claims.exp as number) - (claims.iat as number)).toBeLessThanOrEqual(300);
  });

  it('refuses a request without PKCE, and one using plain', async () => {
    const missing = await authorize(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
      params: { code_challenge: undefined, code_challenge_method: undefined },
    });
    expect('location' in missing && missing.location).toMatch(/error=invalid_request/);
    const plain = await authorize(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
      params: { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' },
    });
    expect('location' in plain && plain.location).toMatch(/error=invalid_request/);
  });

  it('refuses a redirect URI that is not registered exactly, without redirecting to it', async () => {
    for (const uri of [`${redirectUri}/extra`, `${redirectUri}?x=1`, 'http://127.0.0.1:9/']) {
      const flow = await authorize(platform, {
        clientId: appId,
        scope,
        username: patientUser.username,
        password: patientUser.password,
        params: { redirect_uri: uri },
      });
      expect(flow.status).toBe(400);
      expect('location' in flow ? flow.location : undefined).toBeUndefined();
    }
  });

  it('refuses a code used twice, and a code exchanged with the wrong verifier', async () => {
    const flow = await authorize(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
    });
    const location = (flow as { location: string }).location;
    expect((await exchangeCode(platform, appId, location, 'wrong-verifier-'.repeat(4))).status).toBe(400);
    const again = await authorize(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
    });
    const secondLocation = (again as { location: string }).location;
    const first = await exchangeCode(platform, appId, secondLocation, again.verifier);
    expect(first.status).toBe(200);
    const reused = await exchangeCode(platform, appId, secondLocation, again.verifier);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('rotates refresh tokens and refuses a revoked one', async () => {
    const tokens = await userTokens(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
    });
    const refreshed = await form(`${platform.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: appId,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.patient).toBe('p1');
    const next = refreshed.body.refresh_token as string;
    expect(next).not.toBe(tokens.refresh_token);
    const revoked = await form(`${platform.url}/auth/token/revocation`, { token: next, client_id: appId });
    expect(revoked.status).toBe(200);
    const after = await form(`${platform.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: next,
      client_id: appId,
    });
    expect(after.status).toBe(400);
    expect(after.body.error).toBe('invalid_grant');
  });

  it('introspects a refresh token for a confidential client and says inactive once revoked', async () => {
    const tokens = await userTokens(platform, {
      clientId: appId,
      scope,
      username: patientUser.username,
      password: patientUser.password,
    });
    const auth = { authorization: basic(platform.bootstrap.clientId, platform.bootstrap.clientSecret) };
    const active = await form(
      `${platform.url}/auth/token/introspection`,
      { token: tokens.refresh_token! },
      auth,
    );
    expect(active.status).toBe(200);
    await form(`${platform.url}/auth/token/revocation`, { token: tokens.refresh_token!, client_id: appId });
    const inactive = await form(
      `${platform.url}/auth/token/introspection`,
      { token: tokens.refresh_token! },
      auth,
    );
    expect(inactive.body.active).toBe(false);
  });
});
