// GET /auth/revocations: the revocations every verifier must honour, persisted by identity, for a
// verifier that starts later or lost the bus for a while (the bus delivers them live only). Public
// like the key set — subjects appear only as SHA-256 digests — and never cached.
import { type RevocationList, revocationsPath, subjectDigest } from '@healthlane/access';
import type { Database } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { revocationSnapshot } from '../store/revocation-store.ts';

/** Revocations older than this concern only expired access tokens (≤ 5 min) and are not served. */
export const revocationWindowMs = 60 * 60 * 1000;

export async function revocationList(db: Database, now: Date): Promise<RevocationList> {
  const snapshot = await revocationSnapshot(db, now, revocationWindowMs);
  return {
    revocations: snapshot.revocations.map((entry) => ({
      subjectSha256: subjectDigest(entry.subject),
      revokedAt: entry.revokedAt,
    })),
  };
}

export function registerRevocationRoutes(
  app: FastifyInstance,
  deps: { db: Database; now: () => Date },
): void {
  app.get(revocationsPath, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return revocationList(deps.db, deps.now());
  });
}
