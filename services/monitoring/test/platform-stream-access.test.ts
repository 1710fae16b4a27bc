// The platform's stream access check on its own: the request's bearer token (or the principal an
// earlier hook verified) decided by @healthlane/access — scopes × role × patient compartment, deny
// by default — for each monitoring action. The verifier is a stand-in mapping tokens to principals.
import { type Principal, parseScopes, type TokenVerifier } from '@healthlane/access';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createPlatformStreamAccess } from '../src/routes/platform-stream-access.ts';
import type { StreamAccessRequest } from '../src/routes/stream-access.ts';

const now = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => now };

function principal(overrides: Partial<Principal> & { scope: string }): Principal {
  const { scope, ...rest } = overrides;
  return {
    subject: 'u1',
    clientId: 'app',
    kind: 'user',
    roles: [],
    scopes: parseScopes(scope).resources,
    careTeamPatients: new Set(),
    breakGlass: [],
    tokenId: 't',
    issuedAt: now,
    expiresAt: new Date(now.getTime() + 300_000),
    ...rest,
  };
}

const tokens: Record<string, Principal> = {
  nurse: principal({
    subject: 'nurse-1',
    roles: ['nurse'],
    scope: 'user/*.cruds',
    careTeamPatients: new Set(['p1']),
  }),
  clinician: principal({ roles: ['clinician'], scope: 'user/*.cruds', careTeamPatients: new Set(['p1']) }),
  readOnlyClinician: principal({
    roles: ['clinician'],
    scope: 'user/Observation.rs',
    careTeamPatients: new Set(['p1']),
  }),
  launched: principal({
    roles: ['clinician'],
    scope: 'patient/*.rs',
    patient: 'p2',
    careTeamPatients: new Set(['p1', 'p2']),
  }),
  admin: principal({ roles: ['admin'], scope: 'user/*.cruds' }),
  integration: principal({ roles: ['integration'], scope: 'user/*.cruds' }),
  device: principal({ kind: 'system', subject: 'bedside-gateway', scope: 'system/Observation.c' }),
  service: principal({ kind: 'system', scope: 'system/*.cruds' }),
  directory: principal({ kind: 'system', scope: 'system/Patient.rs' }),
};
const verifier: TokenVerifier = {
  async verify(token) {
    const found = tokens[token];
    return found
      ? { ok: true, principal: found }
      : { ok: false, error: 'invalid_token', description: 'The token is not valid' };
  },
};

function request(token?: string, extra: Partial<FastifyRequest> = {}): FastifyRequest {
  return {
    raw: {},
    url: '/monitoring/v1/live?patient=p1',
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    ...extra,
  } as unknown as FastifyRequest;
}

const check = createPlatformStreamAccess({ enabled: true, verifier, clock });

/** The HTTP status the check answers (200 when allowed). */
async function status(access: Omit<StreamAccessRequest, 'request'>, token?: string): Promise<number> {
  try {
    await check({ ...access, request: request(token) });
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe('platform stream access', () => {
  it('needs a valid token when authentication is on, and is open only when it is off', async () => {
    expect(await status({ action: 'read', patientId: 'p1' })).toBe(401);
    expect(await status({ action: 'read', patientId: 'p1' }, 'forged')).toBe(401);
    expect(await status({ action: 'ingest' })).toBe(401);
    const open = createPlatformStreamAccess({ enabled: false, verifier: undefined, clock });
    const anonymous = await open({ action: 'read', patientId: 'p1', request: request() });
    expect(anonymous.actor).toBe('anonymous');
    expect(anonymous.mayRead('anyone')).toBe(true);
  });

  it('reads a patient’s vitals and alerts only within the token’s reach (others are hidden: 404)', async () => {
    expect(await status({ action: 'read', patientId: 'p1' }, 'nurse')).toBe(200);
    expect(await status({ action: 'read', patientId: 'p2' }, 'nurse')).toBe(404);
    expect(await status({ action: 'read', patientId: 'p1' }, 'service')).toBe(200);
    // Alerts are Flags: a token that may read Observations only does not get the stream.
    expect(await status({ action: 'read', patientId: 'p1' }, 'readOnlyClinician')).toBe(403);
    // The directory's administrator reaches no patient data; a Patient-only system client neither.
    expect(await status({ action: 'read', patientId: 'p1' }, 'admin')).toBe(403);
    expect(await status({ action: 'read', patientId: 'p1' }, 'directory')).toBe(403);
    // patient/ scopes: only the launch patient, even though the care team has more.
    expect(await status({ action: 'read', patientId: 'p2' }, 'launched')).toBe(200);
    expect(await status({ action: 'read', patientId: 'p1' }, 'launched')).toBe(404);
  });

  it('a ward stream is allowed by type, then filters every patient through the token', async () => {
    const nurse = await check({ action: 'read', wardId: 'ward-a', request: request('nurse') });
    expect(nurse.mayRead('p1')).toBe(true);
    expect(nurse.mayRead('p2')).toBe(false);
    expect(nurse.actor).toBe('nurse-1');
    expect(nurse.expiresAtMs).toBe(now.getTime() + 300_000);
    expect(await status({ action: 'read', wardId: 'ward-a' }, 'admin')).toBe(403);
    const service = await check({ action: 'read', wardId: 'ward-a', request: request('service') });
    expect(service.mayRead('p2')).toBe(true);
  });

  it('ingest: system clients with the scope and integration users; never a care-team user', async () => {
    expect(await status({ action: 'ingest', deviceId: 'bed-1' }, 'device')).toBe(200);
    expect(await status({ action: 'ingest' }, 'service')).toBe(200);
    expect(await status({ action: 'ingest' }, 'integration')).toBe(200);
    expect(await status({ action: 'ingest' }, 'nurse')).toBe(403);
    expect(await status({ action: 'ingest' }, 'directory')).toBe(403);
    expect(await status({ action: 'ingest' }, 'admin')).toBe(403);
  });

  it('acknowledge and configure are decided on the patient concerned', async () => {
    expect(await status({ action: 'acknowledge', patientId: 'p1' }, 'nurse')).toBe(200);
    expect(await status({ action: 'acknowledge', patientId: 'p2' }, 'nurse')).toBe(403);
    expect(await status({ action: 'acknowledge' }, 'nurse')).toBe(404);
    expect(await status({ action: 'acknowledge', patientId: 'p1' }, 'admin')).toBe(403);
    // The SpO2 scale and vital limits are the patient's monitoring plan: a clinician's, not a nurse's.
    expect(await status({ action: 'configure', patientId: 'p1' }, 'clinician')).toBe(200);
    expect(await status({ action: 'configure', patientId: 'p2' }, 'clinician')).toBe(403);
    expect(await status({ action: 'configure', patientId: 'p1' }, 'nurse')).toBe(403);
    expect(await status({ action: 'configure' }, 'clinician')).toBe(403);
  });

  it('takes a WebSocket upgrade’s token from access_token, and nothing else’s', async () => {
    const upgrade = request(undefined, {
      url: '/monitoring/v1/live?patient=p1&access_token=nurse',
      headers: { upgrade: 'websocket' },
    } as Partial<FastifyRequest>);
    expect((await check({ action: 'read', patientId: 'p1', request: upgrade })).actor).toBe('nurse-1');
    const plain = request(undefined, {
      url: '/monitoring/v1/patients/p1/latest?access_token=nurse',
      headers: {},
    } as Partial<FastifyRequest>);
    await expect(check({ action: 'read', patientId: 'p1', request: plain })).rejects.toMatchObject({
      status: 401,
    });
  });
});
