// What verifiers must honour beyond a token's signature and expiry: subjects whose tokens were
// revoked (a disabled user, a revoked grant) and break-glass grants opened since a token was
// issued. Fed from the bus by every process that verifies tokens, and loaded from identity's
// persisted list at start and periodically (a verifier that started late or lost the bus for a while
// catches up); entries outlive any access token.
import { createHash } from 'node:crypto';
import type { Bus, Subscription } from '@healthlane/bus';
import type { Clock } from '@healthlane/kit';
import type { BreakGlassGrant, Principal } from './principal.ts';

/** Bus subjects identity publishes (through its outbox). */
export const accessEvents = {
  subjectRevoked: 'identity.subject.revoked',
  breakGlassOpened: 'identity.break-glass.opened',
} as const;

export interface SubjectRevokedEvent {
  /** The user id or client id whose tokens issued at or before `revokedAt` stop working. */
  subject: string;
  revokedAt: string;
  reason: 'disabled' | 'password-reset' | 'grant-revoked';
}

export interface BreakGlassOpenedEvent {
  grantId: string;
  /** The user who opened it. */
  subject: string;
  patient: string;
  reason: string;
  openedAt: string;
  expiresAt: string;
  roles: string[];
}

/**
 * identity's persisted revocations as `GET /auth/revocations` serves them (public, like the key
 * set): subjects appear only as SHA-256 digests, so the list names nobody.
 */
export interface RevocationList {
  revocations: { subjectSha256: string; revokedAt: string }[];
}

/** Where identity serves the revocation list. */
export const revocationsPath = '/auth/revocations';

/** The digest a subject appears under in a RevocationList (hex SHA-256 of the UTF-8 subject). */
export function subjectDigest(subject: string): string {
  return createHash('sha256').update(subject, 'utf8').digest('hex');
}

export interface AccessState {
  revokeSubject(subject: string, revokedAt: Date): void;
  /** A revocation known only by the subject's digest (from a RevocationList). */
  revokeSubjectDigest(digest: string, revokedAt: Date): void;
  addBreakGlass(subject: string, grant: BreakGlassGrant): void;
  /** Whether the principal's token was issued at or before a revocation of its subject. */
  isRevoked(principal: Principal): boolean;
  /** Break-glass grants for the subject opened after its token was issued, still open. */
  breakGlassFor(subject: string): BreakGlassGrant[];
}

/** Entries are kept this long after they were recorded: longer than any access token lives. */
const keepMs = 60 * 60 * 1000;

export function createAccessState(clock: Clock): AccessState {
  const revoked = new Map<string, Date>();
  const revokedDigests = new Map<string, Date>();
  const grants = new Map<string, BreakGlassGrant[]>();
  let lastSweep = 0;
  const sweep = (): void => {
    const now = clock.now().getTime();
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [subject, at] of revoked) if (now - at.getTime() > keepMs) revoked.delete(subject);
    for (const [digest, at] of revokedDigests) if (now - at.getTime() > keepMs) revokedDigests.delete(digest);
    for (const [subject, list] of grants) {
      const open = list.filter((grant) => grant.expiresAt.getTime() > now);
      if (open.length === 0) grants.delete(subject);
      else grants.set(subject, open);
    }
  };
  return {
    revokeSubject(subject, revokedAt) {
      sweep();
      const previous = revoked.get(subject);
      if (previous === undefined || previous < revokedAt) revoked.set(subject, revokedAt);
    },
    revokeSubjectDigest(digest, revokedAt) {
      sweep();
      const previous = revokedDigests.get(digest);
      if (previous === undefined || previous < revokedAt) revokedDigests.set(digest, revokedAt);
    },
    addBreakGlass(subject, grant) {
      sweep();
      grants.set(subject, [...(grants.get(subject) ?? []), grant]);
    },
    isRevoked(principal) {
      const issued = principal.issuedAt.getTime();
      // iat has second precision: a token from the same second as the revocation is revoked too.
      const at = revoked.get(principal.subject);
      if (at !== undefined && issued <= at.getTime()) return true;
      if (revokedDigests.size === 0) return false;
      const byDigest = revokedDigests.get(subjectDigest(principal.subject));
      return byDigest !== undefined && issued <= byDigest.getTime();
    },
    breakGlassFor(subject) {
      const now = clock.now();
      return (grants.get(subject) ?? []).filter((grant) => grant.expiresAt > now);
    },
  };
}

/** Applies identity's revocation and break-glass events to `state`, live, in this process. */
export async function followAccessEvents(bus: Bus, state: AccessState): Promise<Subscription[]> {
  return Promise.all([
    bus.subscribe<SubjectRevokedEvent>({
      subject: accessEvents.subjectRevoked,
      handler: async ({ data }) => {
        const at = new Date(data.revokedAt);
        if (typeof data.subject === 'string' && !Number.isNaN(at.getTime()))
          state.revokeSubject(data.subject, at);
      },
    }),
    bus.subscribe<BreakGlassOpenedEvent>({
      subject: accessEvents.breakGlassOpened,
      handler: async ({ data }) => {
        const expiresAt = new Date(data.expiresAt);
        if (
          typeof data.subject === 'string' &&
          typeof data.patient === 'string' &&
          !Number.isNaN(expiresAt.getTime())
        ) {
          state.addBreakGlass(data.subject, { patient: data.patient, expiresAt });
        }
      },
    }),
  ]);
}

/** Applies a RevocationList (malformed entries are skipped); returns how many entries it held. */
export function applyRevocationList(state: AccessState, list: RevocationList): number {
  let applied = 0;
  for (const entry of Array.isArray(list?.revocations) ? list.revocations : []) {
    const at = new Date(entry?.revokedAt);
    if (typeof entry?.subjectSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.subjectSha256)) continue;
    if (Number.isNaN(at.getTime())) continue;
    state.revokeSubjectDigest(entry.subjectSha256, at);
    applied++;
  }
  return applied;
}
