// What verifiers must honour beyond a token's signature and expiry: subjects whose tokens were
// revoked (a disabled user, a revoked grant) and break-glass grants opened since a token was
// issued. Fed from the bus by every process that verifies tokens; entries outlive any access token.
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

export interface AccessState {
  revokeSubject(subject: string, revokedAt: Date): void;
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
  const grants = new Map<string, BreakGlassGrant[]>();
  let lastSweep = 0;
  const sweep = (): void => {
    const now = clock.now().getTime();
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [subject, at] of revoked) if (now - at.getTime() > keepMs) revoked.delete(subject);
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
    addBreakGlass(subject, grant) {
      sweep();
      grants.set(subject, [...(grants.get(subject) ?? []), grant]);
    },
    isRevoked(principal) {
      const at = revoked.get(principal.subject);
      // iat has second precision: a token from the same second as the revocation is revoked too.
      return at !== undefined && principal.issuedAt.getTime() <= at.getTime();
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
