// The token verifier: signature (JWKS, refetched on an unknown kid), issuer, audience, expiry,
// algorithm allow-list, and what the bus tells it later — revocations apply to cached verifications.
import { createInProcessBus } from '@healthlane/bus';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessEvents,
  createAccessState,
  createTokenVerifier,
  followAccessEvents,
  type SubjectRevokedEvent,
} from '../src/index.ts';

const issuer = 'https://hl.example/auth';
const audience = 'https://hl.example/fhir/R4';
let now = Date.parse('2026-12-01T10:00:00Z');
const clock = { now: () => new Date(now) };
type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signing: { key: Key; jwk: JWK };
let fetches = 0;
let published: JWK[] = [];

async function newKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { key: privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } };
}

function token(
  claims: Record<string, unknown> = {},
  options: { key?: Key; kid?: string; alg?: string } = {},
) {
  const iat = Math.floor(now / 1000);
  return new SignJWT({ scope: 'system/*.rs', hl_kind: 'system', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? (signing.jwk.kid as string) })
    .setIssuer((claims.iss as string) ?? issuer)
    .setAudience((claims.aud as string) ?? audience)
    .setSubject((claims.sub as string) ?? 'client-1')
    .setIssuedAt((claims.iat as number) ?? iat)
    .setExpirationTime((claims.exp as number) ?? iat + 300)
    .setJti(`jti-${Math.random()}`)
    .sign(options.key ?? signing.key);
}

function verifier() {
  const state = createAccessState(clock);
  return {
    state,
    verifier: createTokenVerifier({
      issuer,
      audience,
      clock,
      state,
      fetchJwks: async () => {
        fetches += 1;
        return { keys: published };
      },
    }),
  };
}

beforeAll(async () => {
  signing = await newKey('k1');
  published = [signing.jwk];
});

describe('createTokenVerifier', () => {
  it('accepts a good token and builds the principal from its claims', async () => {
    const result = await verifier().verifier.verify(await token());
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.principal).toMatchObject({ subject: 'client-1', kind: 'system' });
  });

  it.each([
    ['another audience', { aud: 'https://elsewhere.example/fhir' }],
    ['another issuer', { iss: 'https://evil.example/auth' }],
    [
      'an expired token',
      {
        iat: Math.floor(Date.parse('2026-12-01T09:00:00Z') / 1000),
        exp: Math.floor(Date.parse('2026-12-01T09:05:00Z') / 1000),
      },
    ],
  ])('refuses %s', async (_name, claims) => {
    const result = await verifier().verifier.verify(await token(claims));
    expect(result).toMatchObject({ ok: false, error: 'invalid_token' });
  });

  it('refuses alg none, an HMAC token keyed with the public key, and a key it does not know', async () => {
    const { verifier: v } = verifier();
    const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const iat = Math.floor(now / 1000);
    const none = `${part({ alg: 'none', kid: 'k1' })}.${part({ iss: issuer, aud: audience, sub: 'x', iat, exp: iat + 60 })}.`;
    expect((await v.verify(none)).ok).toBe(false);
    const hmac = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(new TextEncoder().encode(JSON.stringify(signing.jwk)));
    expect((await v.verify(hmac)).ok).toBe(false);
    const stranger = await newKey('k1');
    expect((await v.verify(await token({}, { key: stranger.key }))).ok).toBe(false);
  });

  it('refetches the key set for an unknown key id (key rotation), at most every 30 s', async () => {
    const { verifier: v } = verifier();
    expect((await v.verify(await token())).ok).toBe(true);
    const rotated = await newKey('k2');
    published = [signing.jwk, rotated.jwk];
    const before = fetches;
    now += 31_000;
    expect((await v.verify(await token({}, { key: rotated.key, kid: 'k2' }))).ok).toBe(true);
    expect(fetches).toBe(before + 1);
    const third = await newKey('k3');
    expect((await v.verify(await token({}, { key: third.key, kid: 'k3' }))).ok).toBe(false);
    expect(fetches).toBe(before + 1);
  });

  it('stops a cached token once its subject is revoked, and a token after its expiry', async () => {
    const { verifier: v, state } = verifier();
    const good = await token({ sub: 'user-7', hl_kind: 'user' });
    expect((await v.verify(good)).ok).toBe(true);
    state.revokeSubject('user-7', clock.now());
    expect(await v.verify(good)).toMatchObject({ ok: false, description: 'The access token was revoked' });
    now += 2_000;
    expect((await v.verify(await token({ sub: 'user-7', hl_kind: 'user' }))).ok).toBe(true);
    const other = await token({ sub: 'user-8' });
    expect((await v.verify(other)).ok).toBe(true);
    now += 301_000;
    expect((await v.verify(other)).ok).toBe(false);
  });

  it('answers unavailable, not invalid, when the key set cannot be fetched', async () => {
    const v = createTokenVerifier({
      issuer,
      audience,
      clock,
      state: createAccessState(clock),
      fetchJwks: async () => {
        throw new Error('identity down');
      },
    });
    expect(await v.verify(await token())).toMatchObject({ ok: false, error: 'unavailable' });
  });
});

describe('revocations over the bus', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestPgliteDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('a revocation event published on the bus stops the subject’s cached token in a following verifier', async () => {
    const bus = await createInProcessBus({ db: database.db });
    const { verifier: v, state } = verifier();
    const subscriptions = await followAccessEvents(bus, state);
    const good = await token({ sub: 'user-9', hl_kind: 'user' });
    expect((await v.verify(good)).ok).toBe(true);
    const event: SubjectRevokedEvent = {
      subject: 'user-9',
      revokedAt: clock.now().toISOString(),
      reason: 'disabled',
    };
    await bus.publish(accessEvents.subjectRevoked, event);
    const deadline = Date.now() + 10_000;
    while ((await v.verify(good)).ok && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect((await v.verify(good)).ok).toBe(false);
    await Promise.all(subscriptions.map((s) => s.close()));
    await bus.close();
  });
});
