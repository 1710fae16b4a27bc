// The persisted revocation list on the verifier's side: entries are applied by digest (malformed
// ones skipped), and a platform verifier that could not reach identity at start keeps retrying
// until the list loads — start itself never fails or waits long for it.
import { createInProcessBus } from '@healthlane/bus';
import type { PeerRequest, PeerResponse } from '@healthlane/kit';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  accessConfigFrom,
  applyRevocationList,
  createAccessState,
  createPlatformVerifier,
  type Principal,
  type RevocationList,
  revocationsPath,
  subjectDigest,
} from '../src/index.ts';

const now = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => now };
const principalOf = (subject: string, issuedAt: Date): Principal => ({
  subject,
  clientId: 'app',
  kind: 'user',
  roles: [],
  scopes: [],
  careTeamPatients: new Set(),
  breakGlass: [],
  tokenId: 't',
  issuedAt,
  expiresAt: new Date(issuedAt.getTime() + 300_000),
});
const earlier = new Date(now.getTime() - 60_000);

let busDb: TestDatabase;
beforeAll(async () => {
  busDb = await createTestPgliteDatabase();
});
afterAll(async () => {
  await busDb?.drop();
});

it('applies entries by subject digest, honouring the time, and skips malformed ones', () => {
  const state = createAccessState(clock);
  const list = {
    revocations: [
      { subjectSha256: subjectDigest('u1'), revokedAt: now.toISOString() },
      { subjectSha256: 'not-a-digest', revokedAt: now.toISOString() },
      { subjectSha256: subjectDigest('u2'), revokedAt: 'yesterday' },
      null,
    ],
  } as unknown as RevocationList;
  expect(applyRevocationList(state, list)).toBe(1);
  expect(state.isRevoked(principalOf('u1', earlier))).toBe(true);
  // A token issued after the revocation (a new sign-in) is not affected.
  expect(state.isRevoked(principalOf('u1', new Date(now.getTime() + 2_000)))).toBe(false);
  expect(state.isRevoked(principalOf('u2', earlier))).toBe(false);
  expect(applyRevocationList(state, {} as RevocationList)).toBe(0);
});

it('a verifier that starts while identity is unreachable loads the list once it answers', async () => {
  let up = false;
  const paths: string[] = [];
  const peers = {
    async request(request: PeerRequest): Promise<PeerResponse> {
      paths.push(request.path);
      if (!up) throw new Error('connection refused');
      const list: RevocationList = {
        revocations: [{ subjectSha256: subjectDigest('u9'), revokedAt: now.toISOString() }],
      };
      return { status: 200, headers: {}, body: new TextEncoder().encode(JSON.stringify(list)) };
    },
  };
  const bus = await createInProcessBus({ db: busDb.db });
  const verifier = createPlatformVerifier({
    config: accessConfigFrom({ HEALTHLANE_AUTH: 'on', HEALTHLANE_PUBLIC_URL: 'http://hl.example', PORT: 0 }),
    peers,
    bus,
    clock,
    revocationRefreshMs: 50,
  });
  try {
    await verifier.start();
    expect(paths).toEqual([revocationsPath]);
    expect(verifier.state.isRevoked(principalOf('u9', earlier))).toBe(false);
    up = true;
    const deadline = Date.now() + 5_000;
    while (!verifier.state.isRevoked(principalOf('u9', earlier)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(verifier.state.isRevoked(principalOf('u9', earlier))).toBe(true);
  } finally {
    await verifier.stop();
    await bus.close();
  }
  // Stopped: no more requests.
  const count = paths.length;
  await new Promise((resolve) => setTimeout(resolve, 150));
  expect(paths.length).toBe(count);
});
