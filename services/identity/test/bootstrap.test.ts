// First start of an empty install: bootstrap.json written once with mode 0600 and URLs from the
// public base URL; never overwritten; nothing created again on a database that has it; credentials
// from the environment instead (then no file); the demo clinical users (HEALTHLANE_DEMO) and the
// console's public client; and the operator's password reset.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInProcessBus, createOutbox } from '@healthlane/bus';
import { type Host, startHost } from '@healthlane/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { demoWardPatients } from '../src/bootstrap-demo.ts';
import { identityService, resetPassword } from '../src/index.ts';
import { basic, form, registerApp, startPlatform, userTokens } from './support/platform.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(dataDir: string, env: Record<string, string> = {}): Promise<Host> {
  const host = await startHost({
    services: [identityService],
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: dataDir,
      HEALTHLANE_PUBLIC_URL: 'https://ehr.example.org',
      ...env,
    },
  });
  cleanups.push(() => host.stop());
  return host;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'healthlane-bootstrap-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('bootstrap', () => {
  it('writes bootstrap.json once (0600) with URLs from HEALTHLANE_PUBLIC_URL, and not again on restart', async () => {
    const dir = await tempDir();
    let host = await start(dir);
    const file = join(dir, 'bootstrap.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const first = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(first).sort()).toEqual(
      [
        'adminPassword',
        'adminUser',
        'clientId',
        'clientSecret',
        'consoleUrl',
        'demoUsers',
        'fhirBaseUrl',
        'tokenUrl',
      ].sort(),
    );
    expect(first.fhirBaseUrl).toBe('https://ehr.example.org/fhir/R4');
    expect(first.tokenUrl).toBe('https://ehr.example.org/auth/token');
    expect(first.consoleUrl).toBe('https://ehr.example.org/');
    // HEALTHLANE_DEMO is on by default: the demo's clinical users, each with its own generated password.
    const demo = first.demoUsers as Array<{ username: string; password: string; roles: string[] }>;
    expect(demo.map((user) => [user.username, user.roles])).toEqual([
      ['nurse', ['nurse']],
      ['physician', ['clinician']],
      ['privacy-officer', ['privacy-officer']],
    ]);
    const passwords = [first.adminPassword, ...demo.map((user) => user.password)];
    expect(new Set(passwords).size).toBe(4);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    // The credentials work: the system client gets a token.
    const token = await form(
      `${host.url}/auth/token`,
      { grant_type: 'client_credentials', scope: 'system/Patient.rs' },
      { authorization: basic(first.clientId, first.clientSecret) },
    );
    expect(token.status).toBe(200);
    await host.stop();
    // Restart on the same data: nothing created, the file untouched (even after someone removed it).
    await rm(file);
    host = await start(dir);
    await expect(stat(file)).rejects.toThrow();
    await host.stop();
  }, 120_000);

  it('never overwrites an existing bootstrap.json', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'bootstrap.json'), '{"mine":true}\n', { mode: 0o600 });
    await start(dir);
    expect(await readFile(join(dir, 'bootstrap.json'), 'utf8')).toBe('{"mine":true}\n');
  }, 60_000);

  it('takes the credentials from the environment and then writes no file', async () => {
    const dir = await tempDir();
    const host = await start(dir, {
      HEALTHLANE_BOOTSTRAP_CLIENT_ID: 'k8s-client',
      HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: 'from-a-kubernetes-secret-0123',
      HEALTHLANE_ADMIN_USER: 'root-admin',
      HEALTHLANE_ADMIN_PASSWORD: 'from-a-kubernetes-secret-4567',
    });
    await expect(stat(join(dir, 'bootstrap.json'))).rejects.toThrow();
    const token = await form(
      `${host.url}/auth/token`,
      { grant_type: 'client_credentials', scope: 'system/*.rs' },
      { authorization: basic('k8s-client', 'from-a-kubernetes-secret-0123') },
    );
    expect(token.status).toBe(200);
  }, 60_000);

  it('makes no demo users with HEALTHLANE_DEMO=0, nor with credentials from the environment', async () => {
    const off = await tempDir();
    await start(off, { HEALTHLANE_DEMO: '0' });
    const written = JSON.parse(await readFile(join(off, 'bootstrap.json'), 'utf8'));
    expect(written.demoUsers).toBeUndefined();
    expect(written.adminUser).toBe('admin');
    const fromEnv = await tempDir();
    const host = await start(fromEnv, {
      HEALTHLANE_BOOTSTRAP_CLIENT_ID: 'k8s-client',
      HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: 'from-a-kubernetes-secret-0123',
      HEALTHLANE_ADMIN_USER: 'root-admin',
      HEALTHLANE_ADMIN_PASSWORD: 'from-a-kubernetes-secret-4567',
    });
    // Nobody could sign in as them (no file carries their passwords), so they are not made.
    const { openDatabase } = await import('@healthlane/store');
    await host.stop();
    const db = await openDatabase({ dataDir: fromEnv });
    cleanups.push(() => db.close());
    const { rows } = await db.query<{ username: string }>('SELECT username FROM identity.app_user');
    expect(rows.map((row) => row.username)).toEqual(['root-admin']);
  }, 120_000);

  it("writes the console's public client at every start, its URIs following HEALTHLANE_PUBLIC_URL", async () => {
    const dir = await tempDir();
    const endSession = (host: Host, target: string) =>
      fetch(
        `${host.url}/auth/session/end?${new URLSearchParams({ client_id: 'healthlane-console', post_logout_redirect_uri: target })}`,
      );
    let host = await start(dir);
    // RP-initiated logout accepts the console's sign-in page as where to return, and nothing else.
    expect((await endSession(host, 'https://ehr.example.org/signin')).status).toBe(200);
    expect((await endSession(host, 'https://elsewhere.example.org/signin')).status).toBe(400);
    // A public client: no secret, so the token endpoint takes only PKCE-bound codes from it.
    const refused = await form(`${host.url}/auth/token`, {
      grant_type: 'client_credentials',
      client_id: 'healthlane-console',
    });
    expect(refused.status).toBe(400);
    await host.stop();
    host = await start(dir, { HEALTHLANE_PUBLIC_URL: 'https://ward.example.org' });
    expect((await endSession(host, 'https://ward.example.org/signin')).status).toBe(200);
    expect((await endSession(host, 'https://ehr.example.org/signin')).status).toBe(400);
  }, 120_000);

  it("signs the demo nurse in with bootstrap.json's password; her care team is the demo ward", async () => {
    const platform = await startPlatform({ HEALTHLANE_DEMO: '1' });
    cleanups.push(() => platform.stop());
    const nurse = platform.bootstrap.demoUsers?.find((user) => user.username === 'nurse');
    expect(nurse).toBeDefined();
    const admin = await form(
      platform.bootstrap.tokenUrl,
      { grant_type: 'client_credentials', scope: 'system/*.cruds' },
      { authorization: basic(platform.bootstrap.clientId, platform.bootstrap.clientSecret) },
    );
    const app = await registerApp(platform, admin.body.access_token as string, 'user/*.rs');
    const tokens = await userTokens(platform, {
      clientId: app,
      scope: 'openid fhirUser user/*.rs',
      username: nurse!.username,
      password: nurse!.password,
    });
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString());
    expect(claims.roles).toEqual(['nurse']);
    expect([...claims.hl_care_patients].sort()).toEqual([...demoWardPatients].sort());
  }, 120_000);

  it('refuses half-set or weak bootstrap variables at start', async () => {
    const dir = await tempDir();
    await expect(start(dir, { HEALTHLANE_BOOTSTRAP_CLIENT_ID: 'only-the-id' })).rejects.toThrow(
      /HEALTHLANE_BOOTSTRAP_CLIENT_SECRET/,
    );
    await expect(
      start(dir, { HEALTHLANE_ADMIN_USER: 'a', HEALTHLANE_ADMIN_PASSWORD: 'short' }),
    ).rejects.toThrow(/HEALTHLANE_ADMIN_PASSWORD/);
  });
});

describe('resetPassword (healthlane user reset-password)', () => {
  it('sets a new password (generated when none is given), publishes a revocation, refuses unknown users', async () => {
    const dir = await tempDir();
    const host = await start(dir);
    await host.stop();
    const { openDatabase } = await import('@healthlane/store');
    const db = await openDatabase({ dataDir: dir });
    cleanups.push(() => db.close());
    const bus = await createInProcessBus({ db });
    cleanups.push(() => bus.close());
    const outbox = createOutbox({ db, bus, schema: 'identity' });
    const result = await resetPassword(db, outbox, 'admin', undefined, new Date());
    expect(result.generatedPassword).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const { rows } = await db.query<{ subject: string }>('SELECT subject FROM identity.outbox');
    expect(rows.map((row) => row.subject)).toContain('identity.subject.revoked');
    await expect(resetPassword(db, outbox, 'nobody', 'a-long-enough-password', new Date())).rejects.toThrow(
      /no user/,
    );
    await expect(resetPassword(db, outbox, 'admin', 'short', new Date())).rejects.toThrow(/12 characters/);
  }, 120_000);
});
