// Revocations outlive the bus: identity persists them and serves the current list, so a verifier
// that starts later (or was cut off from the bus when they were published) still refuses a
// disabled user's live access token once it has loaded the list — and accepted it before.
import { accessConfigFrom, createPlatformVerifier, subjectDigest } from '@healthlane/access';
import { createInProcessBus } from '@healthlane/bus';
import { createHttpTransport } from '@healthlane/client';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  api,
  createUser,
  type Platform,
  registerApp,
  startPlatform,
  systemToken,
  userTokens,
} from './support/platform.ts';

let platform: Platform;
let busDb: TestDatabase;

beforeAll(async () => {
  platform = await startPlatform();
  busDb = await createTestPgliteDatabase();
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  await busDb?.drop();
});

it('a verifier that missed the bus event refuses a disabled user once it loads the persisted list', async () => {
  const system = await systemToken(platform);
  const app = await registerApp(platform, system, 'user/*.cruds');
  const nurse = await createUser(platform, system, { username: 'revoke-late', roles: ['nurse'] });
  const other = await createUser(platform, system, { username: 'revoke-not', roles: ['nurse'] });
  const sign = (user: typeof nurse) =>
    userTokens(platform, {
      clientId: app,
      scope: 'user/*.cruds',
      username: user.username,
      password: user.password,
    });
  const token = (await sign(nurse)).access_token;
  const otherToken = (await sign(other)).access_token;
  // Tokens are issued with second precision; a revocation in the same second covers them too.
  await new Promise((resolve) => setTimeout(resolve, 1100));

  expect((await api(platform, 'POST', `/auth/admin/users/${nurse.id}/disable`, system)).status).toBe(204);

  // The list names the subject only by its digest.
  const listed = await api(platform, 'GET', '/auth/revocations', undefined);
  expect(listed.status).toBe(200);
  expect(listed.headers.get('cache-control')).toBe('no-store');
  expect(listed.body.revocations).toContainEqual({
    subjectSha256: subjectDigest(nurse.id),
    revokedAt: expect.any(String),
  });
  expect(JSON.stringify(listed.body)).not.toContain(nurse.id);
  expect(JSON.stringify(listed.body)).not.toContain(subjectDigest(other.id));

  // A verifier on a bus of its own (it never saw identity.subject.revoked), talking to identity over HTTP.
  const bus = await createInProcessBus({ db: busDb.db });
  const late = createPlatformVerifier({
    config: accessConfigFrom({ HEALTHLANE_AUTH: 'on', HEALTHLANE_PUBLIC_URL: platform.url, PORT: 0 }),
    peers: createHttpTransport({ baseUrl: platform.url }),
    bus,
    clock: { now: () => new Date() },
  });
  try {
    // Before it loads the list, the revoked token still passes: what the list is for.
    expect((await late.verifier.verify(token)).ok).toBe(true);
    await late.start();
    expect(await late.verifier.verify(token)).toMatchObject({ ok: false, error: 'invalid_token' });
    expect((await late.verifier.verify(otherToken)).ok).toBe(true);
  } finally {
    await late.stop();
    await bus.close();
  }

  // Records (which followed the bus all along) refuses it too.
  expect((await api(platform, 'GET', '/fhir/R4/Patient?_count=1', token)).status).toBe(401);
});

it('the revocation survives in the store: a password reset is listed as well', async () => {
  const system = await systemToken(platform);
  const user = await createUser(platform, system, { username: 'revoke-reset', roles: ['clinician'] });
  const reset = await api(platform, 'POST', `/auth/admin/users/${user.id}/password`, system, {
    password: 'a-new-Password-123',
  });
  expect(reset.status).toBe(204);
  const listed = await api(platform, 'GET', '/auth/revocations', undefined);
  expect(
    (listed.body.revocations as { subjectSha256: string }[]).map((entry) => entry.subjectSha256),
  ).toContain(subjectDigest(user.id));
});
