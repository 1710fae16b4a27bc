// The authorization matrix: every principal kind × every records interaction that exists today ×
// own vs another patient's data, through the real platform (gateway + identity + records, tokens
// from the real OAuth flows). Expectations are written out per principal from the policy's rules
// (docs in packages/access/README.md), not computed by the code under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  api,
  createUser,
  type Platform,
  registerApp,
  startPlatform,
  systemToken,
  userTokens,
} from './support/platform.ts';

type Target = 'own' | 'other';
/** A status, or for searches: 'own' (200, only the own patient's data), 'none' (200, neither), 'both'. */
type Expect = number | 'own' | 'none' | 'both';
type Op =
  | 'read-patient'
  | 'read-obs'
  | 'vread-obs'
  | 'history-obs'
  | 'search-obs'
  | 'search-patient'
  | 'include'
  | 'revinclude'
  | 'everything'
  | 'compartment'
  | 'history-type'
  | 'create-obs'
  | 'update-obs'
  | 'patch-obs'
  | 'delete-obs'
  | 'transaction';

const ops: Op[] = [
  'read-patient',
  'read-obs',
  'vread-obs',
  'history-obs',
  'search-obs',
  'search-patient',
  'include',
  'revinclude',
  'everything',
  'compartment',
  'history-type',
  'create-obs',
  'update-obs',
  'patch-obs',
  'delete-obs',
  'transaction',
];
const searchOps = new Set<Op>([
  'search-obs',
  'search-patient',
  'include',
  'revinclude',
  'everything',
  'compartment',
  'history-type',
]);

/** Whole-access readers/writers (system/*.cruds). */
const everything = (op: Op): Expect =>
  searchOps.has(op) ? 'both' : op === 'create-obs' ? 201 : op === 'delete-obs' ? 204 : 200;

/** A reader/writer limited to the own patient (compartment or care team), with `writes` allowed. */
function compartmentBound(writes: { create: boolean; update: boolean; delete: boolean }) {
  return (op: Op, target: Target): Expect => {
    if (searchOps.has(op)) return 'own';
    switch (op) {
      case 'read-patient':
      case 'read-obs':
      case 'vread-obs':
      case 'history-obs':
        return target === 'own' ? 200 : 404;
      case 'create-obs':
        return writes.create && target === 'own' ? 201 : 403;
      case 'update-obs':
      case 'patch-obs':
        return writes.update && target === 'own' ? 200 : 403;
      case 'delete-obs':
        return writes.delete && target === 'own' ? 204 : 403;
      case 'transaction':
        return 403; // one entry for the other patient fails the whole Bundle
    }
    return 0;
  };
}

const principals: Record<string, (op: Op, target: Target) => Expect> = {
  'system/*.cruds': everything,
  'system/Observation.rs': (op) =>
    ['read-obs', 'vread-obs', 'history-obs'].includes(op)
      ? 200
      : op === 'search-obs' || op === 'history-type'
        ? 'both'
        : op === 'include' || op === 'revinclude' || op === 'everything' || op === 'compartment'
          ? 403 // they touch Patient, which is not in the scopes
          : 403,
  // A transaction of two creates needs only `c` (system clients reach every patient).
  'system/Observation.c (no r/s)': (op) => (op === 'create-obs' ? 201 : op === 'transaction' ? 200 : 403),
  'system/Patient.r (no s)': (op) => (op === 'read-patient' ? 200 : 403),
  'patient (patient/*.rs)': compartmentBound({ create: false, update: false, delete: false }),
  'clinician (care team, user/*.cruds)': compartmentBound({ create: true, update: true, delete: true }),
  'nurse (care team, user/*.cruds)': compartmentBound({ create: true, update: true, delete: false }),
  'billing (user/*.cruds)': (op) => (op === 'read-patient' ? 200 : op === 'search-patient' ? 'both' : 403),
  'admin (user/*.cruds)': () => 403,
  'privacy-officer (user/*.cruds)': (op) =>
    op === 'read-patient' ? 200 : op === 'search-patient' ? 'both' : 403,
  'clinician with user/*.rs only': (op, target) => {
    const bound = compartmentBound({ create: false, update: false, delete: false })(op, target);
    return bound;
  },
};

let platform: Platform;
let system: string;
const tokens: Record<string, string> = {};
const ids = { own: { patient: 'mx-pa', obs: 'mx-oa' }, other: { patient: 'mx-pb', obs: 'mx-ob' } };

const observation = (patient: string, id?: string) => ({
  resourceType: 'Observation',
  ...(id ? { id } : {}),
  status: 'final',
  code: { text: 'heart rate' },
  subject: { reference: `Patient/${patient}` },
});

beforeAll(async () => {
  platform = await startPlatform();
  system = await systemToken(platform);
  for (const target of ['own', 'other'] as const) {
    const { patient, obs } = ids[target];
    expect(
      (
        await api(platform, 'PUT', `/fhir/R4/Patient/${patient}`, system, {
          resourceType: 'Patient',
          id: patient,
        })
      ).status,
    ).toBe(201);
    expect(
      (await api(platform, 'PUT', `/fhir/R4/Observation/${obs}`, system, observation(patient, obs))).status,
    ).toBe(201);
  }
  const app = await registerApp(platform, system, 'patient/*.rs user/*.cruds user/*.rs');
  const user = async (username: string, roles: string[], scope: string, patientId?: string) => {
    const created = await createUser(platform, system, {
      username,
      roles,
      ...(patientId ? { patientId } : {}),
    });
    return { ...created, scope };
  };
  const people = {
    'patient (patient/*.rs)': await user(
      'mx-patient',
      ['patient'],
      'launch/patient patient/*.rs',
      ids.own.patient,
    ),
    'clinician (care team, user/*.cruds)': await user('mx-clinician', ['clinician'], 'user/*.cruds'),
    'nurse (care team, user/*.cruds)': await user('mx-nurse', ['nurse'], 'user/*.cruds'),
    'billing (user/*.cruds)': await user('mx-billing', ['billing'], 'user/*.cruds'),
    'admin (user/*.cruds)': await user('mx-admin', ['admin'], 'user/*.cruds'),
    'privacy-officer (user/*.cruds)': await user('mx-po', ['privacy-officer'], 'user/*.cruds'),
    'clinician with user/*.rs only': await user('mx-clinician-ro', ['clinician'], 'user/*.rs'),
  };
  const team = await api(platform, 'POST', '/auth/admin/care-teams', system, {
    name: 'Ward 7',
    kind: 'ward',
    members: [
      'clinician (care team, user/*.cruds)',
      'nurse (care team, user/*.cruds)',
      'clinician with user/*.rs only',
    ].map((name) => ({ userId: people[name as keyof typeof people].id })),
    patients: [ids.own.patient],
  });
  expect(team.status).toBe(201);
  for (const [name, person] of Object.entries(people)) {
    tokens[name] = (
      await userTokens(platform, {
        clientId: app,
        scope: person.scope,
        username: person.username,
        password: person.password,
      })
    ).access_token;
  }
  for (const scope of ['system/*.cruds', 'system/Observation.rs'])
    tokens[scope] = await systemToken(platform, scope);
  tokens['system/Observation.c (no r/s)'] = await systemToken(platform, 'system/Observation.c');
  tokens['system/Patient.r (no s)'] = await systemToken(platform, 'system/Patient.r');
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

async function perform(op: Op, target: Target, token: string): Promise<{ status: number; ids: Set<string> }> {
  const { patient, obs } = ids[target];
  const call = (method: string, path: string, body?: unknown) => api(platform, method, path, token, body);
  let reply: Awaited<ReturnType<typeof call>>;
  switch (op) {
    case 'read-patient':
      reply = await call('GET', `/fhir/R4/Patient/${patient}`);
      break;
    case 'read-obs':
      reply = await call('GET', `/fhir/R4/Observation/${obs}`);
      break;
    case 'vread-obs':
      reply = await call('GET', `/fhir/R4/Observation/${obs}/_history/1`);
      break;
    case 'history-obs':
      reply = await call('GET', `/fhir/R4/Observation/${obs}/_history`);
      break;
    case 'search-obs':
      reply = await call('GET', `/fhir/R4/Observation?subject=Patient/${patient}`);
      break;
    case 'search-patient':
      reply = await call('GET', `/fhir/R4/Patient?_id=${patient}`);
      break;
    case 'include':
      reply = await call('GET', `/fhir/R4/Observation?_id=${obs}&_include=Observation:subject`);
      break;
    case 'revinclude':
      reply = await call('GET', `/fhir/R4/Patient?_id=${patient}&_revinclude=Observation:subject`);
      break;
    case 'everything':
      reply = await call('GET', `/fhir/R4/Patient/${patient}/$everything`);
      break;
    case 'compartment':
      reply = await call('GET', `/fhir/R4/Patient/${patient}/Observation`);
      break;
    case 'history-type':
      reply = await call('GET', '/fhir/R4/Observation/_history?_count=1000');
      break;
    case 'create-obs':
      reply = await call('POST', '/fhir/R4/Observation', observation(patient));
      break;
    case 'update-obs':
      reply = await call('PUT', `/fhir/R4/Observation/${obs}`, {
        ...observation(patient, obs),
        status: 'amended',
      });
      break;
    case 'patch-obs': {
      const response = await fetch(`${platform.url}/fhir/R4/Observation/${obs}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json-patch+json' },
        body: JSON.stringify([{ op: 'replace', path: '/status', value: 'final' }]),
      });
      reply = {
        status: response.status,
        body: JSON.parse((await response.text()) || '{}'),
        headers: response.headers,
      };
      break;
    }
    case 'delete-obs': {
      const created = await api(platform, 'POST', '/fhir/R4/Observation', system, observation(patient));
      reply = await call('DELETE', `/fhir/R4/Observation/${created.body.id as string}`);
      break;
    }
    case 'transaction':
      reply = await call('POST', '/fhir/R4', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [ids.own.patient, ids.other.patient].map((p) => ({
          resource: observation(p),
          request: { method: 'POST', url: 'Observation' },
        })),
      });
      break;
  }
  const seen = new Set<string>();
  for (const entry of (reply.body.entry as Array<{ resource?: { resourceType: string; id: string } }>) ??
    []) {
    if (entry.resource) seen.add(`${entry.resource.resourceType}/${entry.resource.id}`);
  }
  return { status: reply.status, ids: seen };
}

function dataOf(target: Target): string[] {
  return [`Patient/${ids[target].patient}`, `Observation/${ids[target].obs}`];
}

const cases = Object.entries(principals).flatMap(([principal, expected]) =>
  ops.flatMap((op) =>
    (['own', 'other'] as const).map((target) => ({ principal, op, target, expected: expected(op, target) })),
  ),
);

describe('authorization matrix', () => {
  it('has at least 300 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });

  it.each(cases)(
    '$principal: $op on $target data → $expected',
    async ({ principal, op, target, expected }) => {
      const result = await perform(op, target, tokens[principal]!);
      if (typeof expected === 'number') {
        expect(result.status).toBe(expected);
        return;
      }
      expect(result.status).toBe(200);
      const own = dataOf('own').some((id) => result.ids.has(id));
      const other = dataOf('other').some((id) => result.ids.has(id));
      // Never another patient's data where only the own patient is allowed.
      if (expected === 'own') {
        expect(other).toBe(false);
        if (target === 'own') expect(own).toBe(true);
      }
      if (expected === 'none') expect(own || other).toBe(false);
      if (expected === 'both') expect(target === 'own' ? own : other).toBe(true);
    },
  );
});

describe('counts never reveal what a principal may not see', () => {
  it.each(['patient (patient/*.rs)', 'clinician (care team, user/*.cruds)'])(
    '%s: Observation?_summary=count and a first page carry no total over hidden resources',
    async (principal) => {
      const token = tokens[principal]!;
      const count = await api(platform, 'GET', '/fhir/R4/Observation?_summary=count', token);
      expect(count.status).toBe(200);
      const everyone = await api(
        platform,
        'GET',
        '/fhir/R4/Observation?_summary=count',
        tokens['system/*.cruds']!,
      );
      // The other patient's Observations exist, so an unfiltered count would be larger than what this
      // principal can see: a total is either absent or no more than the visible matches.
      const visible = await api(platform, 'GET', '/fhir/R4/Observation?_count=1000', token);
      const seen = ((visible.body as { entry?: unknown[] }).entry ?? []).length;
      expect((everyone.body as { total?: number }).total).toBeGreaterThan(seen);
      const total = (count.body as { total?: number }).total;
      if (total !== undefined) expect(total).toBeLessThanOrEqual(seen);
      const page = await api(platform, 'GET', '/fhir/R4/Observation?_count=1', token);
      const pageTotal = (page.body as { total?: number }).total;
      if (pageTotal !== undefined) expect(pageTotal).toBeLessThanOrEqual(seen);
    },
  );
});
