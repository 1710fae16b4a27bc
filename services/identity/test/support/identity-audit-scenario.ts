// The identity audit scenario, shared by the PGlite test and the PostgreSQL one: gateway + identity
// + records + the audit service in one host (auth on), and every identity event that must be
// audited — sign-in success and failures, logout, refused token requests, break-glass, user
// administration — driven over HTTP, then read back from the audit service's hash chain.
import { createAuditService } from '@healthlane/audit-service';
import type { AnyServiceDefinition } from '@healthlane/kit';
import { expect } from 'vitest';
import {
  api,
  authorize,
  CookieJar,
  createUser,
  exchangeCode,
  form,
  type Platform,
  registerApp,
  startPlatform,
  systemToken,
} from './platform.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into FHIR JSON replies
type Json = any;

export async function startAuditedPlatform(env: Record<string, string> = {}): Promise<Platform> {
  return startPlatform({ AUDIT_POLL_INTERVAL_MS: '50', ...env }, [
    createAuditService() as AnyServiceDefinition,
  ]);
}

/** The identity service's AuditEvents in the chain (newest first), once at least `count` are there. */
export async function identityEvents(platform: Platform, token: string, count: number): Promise<Json[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const bundle = await api(platform, 'GET', '/fhir/R4/AuditEvent?_count=1000', token);
    expect(bundle.status).toBe(200);
    const events = ((bundle.body as Json).entry ?? [])
      .map((entry: Json) => entry.resource)
      .filter((event: Json) => event.source?.observer?.identifier?.value === 'identity');
    if (events.length >= count || Date.now() > deadline) return events;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const subtypeOf = (event: Json) => event.subtype?.[0]?.code as string;
const userOf = (event: Json) =>
  (event.agent as Json[]).find((agent) => agent.type?.coding?.[0]?.code === 'IRCP')?.altId as
    | string
    | undefined;

/** Signs out through oidc-provider's end_session (the confirm form, as a browser submits it). */
async function logout(platform: Platform, jar: CookieJar): Promise<number> {
  const page = await fetch(`${platform.url}/auth/session/end`, { headers: { cookie: jar.header() } });
  jar.take(page);
  const html = await page.text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (xsrf === undefined || action === undefined) throw new Error(`no logout form: ${html.slice(0, 300)}`);
  const confirmed = await fetch(new URL(action, platform.url), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
  return confirmed.status;
}

/**
 * Runs every audited identity interaction and checks each produced its AuditEvent in the chain,
 * with the right codes, outcome and agent, and that no event holds a password, secret, code or token.
 */
export async function runIdentityAuditScenario(platform: Platform): Promise<void> {
  const system = await systemToken(platform);
  const app = await registerApp(platform, system, 'user/*.cruds');
  const clinician = await createUser(platform, system, { username: 'audit-clin', roles: ['clinician'] });
  const strangerName = 'nobody-Xq7-typed-name';
  const wrongPassword = 'wrong-Pw-Zq9-canary';
  const secrets: string[] = [
    clinician.password,
    wrongPassword,
    strangerName,
    platform.bootstrap.clientSecret,
  ];

  // Sign-in failures: a known user with a wrong password, a name that matches nobody.
  const failed = await authorize(platform, {
    clientId: app,
    scope: 'user/*.cruds offline_access',
    username: clinician.username,
    password: wrongPassword,
  });
  expect(failed.status).toBe(401);
  const unknown = await authorize(platform, {
    clientId: app,
    scope: 'user/*.cruds',
    username: strangerName,
    password: wrongPassword,
  });
  expect(unknown.status).toBe(401);

  // Sign-in success, then a reused code and a forged refresh token (refused token requests).
  const jar = new CookieJar();
  const flow = await authorize(platform, {
    clientId: app,
    scope: 'openid user/*.cruds offline_access',
    username: clinician.username,
    password: clinician.password,
    jar,
  });
  if (!('location' in flow) || !flow.location) throw new Error(`sign-in stopped at ${flow.status}`);
  const tokens = await exchangeCode(platform, app, flow.location, flow.verifier);
  expect(tokens.status).toBe(200);
  const accessToken = tokens.body.access_token as string;
  const refreshToken = tokens.body.refresh_token as string;
  const code = new URL(flow.location).searchParams.get('code') ?? '';
  secrets.push(accessToken, refreshToken, code, flow.verifier);
  expect((await exchangeCode(platform, app, flow.location, flow.verifier)).status).toBe(400);
  const forged = `${refreshToken.slice(0, -4)}AAAA`;
  const refused = await form(`${platform.url}/auth/token`, {
    grant_type: 'refresh_token',
    refresh_token: forged,
    client_id: app,
  });
  expect(refused.status).toBe(400);

  // Break-glass, by the clinician.
  await api(platform, 'PUT', '/fhir/R4/Patient/audit-bg', system, {
    resourceType: 'Patient',
    id: 'audit-bg',
  });
  const reason = 'Unconscious patient in the emergency department';
  const opened = await api(platform, 'POST', '/auth/break-glass', accessToken, {
    patient: 'audit-bg',
    reason,
  });
  expect(opened.status).toBe(201);

  // Logout (the session the successful sign-in opened).
  expect([303, 302, 200]).toContain(await logout(platform, jar));

  // User administration: a password reset and a disable by the admin (the bootstrap client).
  const newPassword = 'reset-Pw-Kk3-canary-value';
  secrets.push(newPassword);
  expect(
    (
      await api(platform, 'POST', `/auth/admin/users/${clinician.id}/password`, system, {
        password: newPassword,
      })
    ).status,
  ).toBe(204);
  expect((await api(platform, 'POST', `/auth/admin/users/${clinician.id}/disable`, system)).status).toBe(204);

  // user-create, login ×3, token ×2, break-glass, logout, user-change ×2 = 10 at least.
  const events = await identityEvents(platform, system, 10);
  const find = (predicate: (event: Json) => boolean, what: string) => {
    const found = events.find(predicate);
    if (found === undefined) throw new Error(`no AuditEvent for ${what} among ${events.length}`);
    return found;
  };

  const created = find((e) => subtypeOf(e) === '110137' && e.action === 'C', 'user creation');
  expect(created.type.code).toBe('110113');
  expect(created.entity).toContainEqual(
    expect.objectContaining({ what: { identifier: { system: 'urn:healthlane:user', value: clinician.id } } }),
  );

  const logins = events.filter((e) => subtypeOf(e) === '110122');
  expect(logins.every((e) => e.type.code === '110114' && e.action === 'E')).toBe(true);
  const success = logins.find((e) => e.outcome === '0');
  expect(userOf(success)).toBe(clinician.id);
  const knownFailure = logins.find((e) => e.outcome === '4' && userOf(e) === clinician.id);
  expect(knownFailure?.outcomeDesc).toBe('login-failed');
  const unknownFailure = logins.find((e) => e.outcome === '4' && userOf(e) === undefined);
  expect(unknownFailure).toBeDefined();
  // The client and the address are recorded for an unknown name; the name is not.
  expect(JSON.stringify(unknownFailure)).toContain(app);

  const tokenFailures = events.filter((e) => subtypeOf(e) === 'ITI-71');
  expect(tokenFailures.map((e) => e.outcomeDesc).sort()).toEqual(
    expect.arrayContaining(['authorization_code: invalid_grant', 'refresh_token: invalid_grant']),
  );
  expect(tokenFailures.every((e) => e.outcome === '4')).toBe(true);

  const breakGlass = find((e) => subtypeOf(e) === '110127', 'break-glass');
  expect(breakGlass.type.code).toBe('110113');
  expect(userOf(breakGlass)).toBe(clinician.id);
  expect(breakGlass.entity).toContainEqual(
    expect.objectContaining({ what: { reference: 'Patient/audit-bg' } }),
  );
  expect(breakGlass.purposeOfEvent.map((p: Json) => p.coding[0].code)).toEqual(['ETREAT', 'BTG']);
  expect(JSON.stringify(breakGlass)).not.toContain(reason);

  const loggedOut = find((e) => subtypeOf(e) === '110123', 'logout');
  expect(loggedOut.outcome).toBe('0');
  expect(userOf(loggedOut)).toBe(clinician.id);

  const changes = events
    .filter((e) => subtypeOf(e) === '110137' && e.action === 'U')
    .map((e) => e.entity.find((entity: Json) => entity.role.code === '11'));
  expect(changes.map((entity) => [entity.what.identifier.value, entity.description]).sort()).toEqual([
    [clinician.id, 'disabled'],
    [clinician.id, 'password-reset'],
  ]);

  // No password, secret, code, verifier, token or unknown typed name in any event.
  const text = JSON.stringify(events);
  for (const secret of secrets) expect(text).not.toContain(secret);

  // They are in the chain, which verifies.
  const verified = await api(platform, 'GET', '/audit/chain/verify', system);
  expect(verified.status).toBe(200);
}
