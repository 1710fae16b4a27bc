// Sign-in and what revokes access, through the real platform: lockout after repeated failures,
// TOTP (enrolment, required code, replay refused), disabling a user (sessions and refresh tokens
// gone at once, live access tokens refused everywhere within seconds through the bus), break-glass
// (reason required, role required, access opened for a bounded time), expired tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode, totpStep } from '../src/index.ts';
import {
  api,
  authorize,
  createUser,
  form,
  type Platform,
  registerApp,
  startPlatform,
  systemToken,
  userTokens,
} from './support/platform.ts';

let platform: Platform;
let system: string;
let app: string;
const scope = 'user/*.cruds offline_access';

beforeAll(async () => {
  // Real durations, short: oidc-provider issues tokens on the real clock, so the platform clock is
  // moved only by the last test.
  platform = await startPlatform({
    IDENTITY_LOCKOUT_THRESHOLD: '3',
    IDENTITY_LOCKOUT_DURATION: '3s',
    IDENTITY_BREAK_GLASS_DURATION: '30s',
  });
  system = await systemToken(platform);
  app = await registerApp(platform, system, 'user/*.cruds');
  for (const id of ['bg-1', 'bg-2']) {
    await api(platform, 'PUT', `/fhir/R4/Patient/${id}`, system, { resourceType: 'Patient', id });
    await api(platform, 'PUT', `/fhir/R4/Observation/${id}-obs`, system, {
      resourceType: 'Observation',
      id: `${id}-obs`,
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${id}` },
    });
  }
}, 60_000);
afterAll(async () => {
  await platform?.stop();
});

async function signIn(username: string, password: string, otp?: string) {
  return authorize(platform, { clientId: app, scope, username, password, ...(otp ? { otp } : {}) });
}
const reachedApp = (flow: Awaited<ReturnType<typeof signIn>>) =>
  'location' in flow && typeof flow.location === 'string' && flow.location.includes('code=');

describe('lockout', () => {
  it('locks an account after 3 failures in a row (even the right password is refused), until the lock ends', async () => {
    const user = await createUser(platform, system, { username: 'lock-me', roles: ['nurse'] });
    for (let attempt = 0; attempt < 3; attempt++) {
      const failed = await signIn(user.username, 'wrong-password-123');
      expect(failed.status).toBe(401);
      expect('body' in failed ? failed.body : '').toContain('role="alert"');
    }
    expect(reachedApp(await signIn(user.username, user.password))).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(reachedApp(await signIn(user.username, user.password))).toBe(true);
  });

  it('gives the same answer for an unknown user as for a wrong password', async () => {
    const unknown = await signIn('nobody-here', 'whatever-password');
    const user = await createUser(platform, system, { username: 'same-answer', roles: ['nurse'] });
    const wrong = await signIn(user.username, 'not-their-password');
    expect(unknown.status).toBe(wrong.status);
    const text = (flow: typeof unknown) =>
      'body' in flow ? String(flow.body).replace(/value="[^"]*"/, '') : '';
    expect(text(unknown).replace(/\/auth\/interaction\/[^/]+\//, '')).toBe(
      text(wrong).replace(/\/auth\/interaction\/[^/]+\//, ''),
    );
  });
});

describe('TOTP', () => {
  it('after enrolment asks for the code, accepts the current one once, and refuses a wrong or replayed one', async () => {
    const user = await createUser(platform, system, { username: 'mfa-user', roles: ['clinician'] });
    const first = await userTokens(platform, {
      clientId: app,
      scope,
      username: user.username,
      password: user.password,
    });
    const enrolled = await api(platform, 'POST', '/auth/account/totp', first.access_token);
    expect(enrolled.status).toBe(201);
    const secret = enrolled.body.secret as string;
    expect(enrolled.body.uri).toMatch(/^otpauth:\/\/totp\//);

    const noCode = await signIn(user.username, user.password);
    expect(reachedApp(noCode)).toBe(false);
    expect('body' in noCode ? noCode.body : '').toContain('one-time code');
    const code = totpCode(secret, totpStep(new Date()));
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect(reachedApp(await signIn(user.username, user.password, wrongCode))).toBe(false);
    expect(reachedApp(await signIn(user.username, user.password, code))).toBe(true);
    expect(reachedApp(await signIn(user.username, user.password, code))).toBe(false);
  });
});

describe('disabling a user', () => {
  it('revokes refresh tokens at once and stops live access tokens at records within seconds', async () => {
    const user = await createUser(platform, system, { username: 'leaver', roles: ['privacy-officer'] });
    const tokens = await userTokens(platform, {
      clientId: app,
      scope,
      username: user.username,
      password: user.password,
    });
    const read = () => api(platform, 'GET', '/fhir/R4/Patient/bg-1', tokens.access_token);
    expect((await read()).status).toBe(200);
    expect((await api(platform, 'POST', `/auth/admin/users/${user.id}/disable`, system)).status).toBe(204);
    const refreshed = await form(`${platform.url}/auth/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token!,
      client_id: app,
    });
    expect(refreshed.status).toBe(400);
    const deadline = Date.now() + 10_000;
    let status = (await read()).status;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await read()).status;
    }
    expect(status).toBe(401);
    expect(reachedApp(await signIn(user.username, user.password))).toBe(false);
  });

  it('is for admins only', async () => {
    const user = await createUser(platform, system, { username: 'not-admin', roles: ['clinician'] });
    const tokens = await userTokens(platform, {
      clientId: app,
      scope,
      username: user.username,
      password: user.password,
    });
    expect(
      (await api(platform, 'POST', `/auth/admin/users/${user.id}/disable`, tokens.access_token)).status,
    ).toBe(403);
    expect((await api(platform, 'GET', '/auth/admin/users', undefined)).status).toBe(401);
  });
});

describe('break-glass', () => {
  it('needs a reason and a clinical role, opens one patient for a bounded time, and closes again', async () => {
    const doctor = await createUser(platform, system, { username: 'er-doctor', roles: ['clinician'] });
    const tokens = await userTokens(platform, {
      clientId: app,
      scope,
      username: doctor.username,
      password: doctor.password,
    });
    const read = (id: string) => api(platform, 'GET', `/fhir/R4/Observation/${id}-obs`, tokens.access_token);
    expect((await read('bg-1')).status).toBe(404); // not on their care team: existence not revealed
    const open = (body: unknown, token = tokens.access_token) =>
      api(platform, 'POST', '/auth/break-glass', token, body);
    expect((await open({ patient: 'bg-1' })).status).toBe(400);
    expect((await open({ patient: 'bg-1', reason: 'short' })).status).toBe(400);
    const billing = await createUser(platform, system, { username: 'bg-billing', roles: ['billing'] });
    const billingTokens = await userTokens(platform, {
      clientId: app,
      scope,
      username: billing.username,
      password: billing.password,
    });
    expect(
      (
        await open(
          { patient: 'bg-1', reason: 'unconscious patient in the emergency department' },
          billingTokens.access_token,
        )
      ).status,
    ).toBe(403);

    const opened = await open({ patient: 'bg-1', reason: 'unconscious patient in the emergency department' });
    expect(opened.status).toBe(201);
    // The same token reaches the patient once the verifiers have the bus event; the other stays closed.
    const deadline = Date.now() + 10_000;
    let status = (await read('bg-1')).status;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await read('bg-1')).status;
    }
    expect(status).toBe(200);
    expect((await read('bg-2')).status).toBe(404);
    // A new token carries the grant too.
    const fresh = await userTokens(platform, {
      clientId: app,
      scope,
      username: doctor.username,
      password: doctor.password,
    });
    expect((await api(platform, 'GET', '/fhir/R4/Observation/bg-1-obs', fresh.access_token)).status).toBe(
      200,
    );
    // Once the grant has ended, a new token no longer reaches the patient.
    const ends = Date.parse(opened.body.expiresAt as string);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, ends - Date.now()) + 1_000));
    const later = await userTokens(platform, {
      clientId: app,
      scope,
      username: doctor.username,
      password: doctor.password,
    });
    expect((await api(platform, 'GET', '/fhir/R4/Observation/bg-1-obs', later.access_token)).status).toBe(
      404,
    );
  }, 120_000);
});

describe('expired tokens', () => {
  it('are refused with 401, WWW-Authenticate and an OperationOutcome', async () => {
    const token = await systemToken(platform, 'system/*.rs');
    expect((await api(platform, 'GET', '/fhir/R4/Patient/bg-1', token)).status).toBe(200);
    platform.advance(6 * 60_000);
    const refused = await api(platform, 'GET', '/fhir/R4/Patient/bg-1', token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(refused.body.resourceType).toBe('OperationOutcome');
  });
});
