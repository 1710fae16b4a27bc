// Resets a user's password directly in the database (the `healthlane user reset-password` command,
// for an operator who lost the admin password): new hash, lockout cleared, sessions and refresh
// tokens removed, the revocation persisted and identity.subject.revoked published through the
// outbox, and (given the audit producer) a user-change AuditEvent in the same transaction.
import { randomBytes } from 'node:crypto';
import { accessEvents, type SubjectRevokedEvent } from '@healthlane/access';
import { type AuditProducer, buildAuditEvent } from '@healthlane/audit';
import type { Outbox } from '@healthlane/bus';
import type { Database } from '@healthlane/store';
import { hashPassword, passwordProblem } from './domain/password.ts';
import { recordRevocation } from './store/revocation-store.ts';
import { findUserByName, removeOidcArtefacts, setPassword } from './store/users.ts';

export interface ResetResult {
  username: string;
  /** Set when the password was generated (shown once to the operator). */
  generatedPassword?: string;
}

export async function resetPassword(
  db: Database,
  outbox: Pick<Outbox, 'enqueue'>,
  username: string,
  password: string | undefined,
  now: Date,
  audit?: Pick<AuditProducer, 'enqueue'>,
): Promise<ResetResult> {
  const chosen = password ?? randomBytes(18).toString('base64url');
  const problem = passwordProblem(chosen);
  if (problem) throw new Error(problem);
  const hash = await hashPassword(chosen);
  await db.transaction(async (tx) => {
    const user = await findUserByName(tx, username);
    if (user === undefined) throw new Error(`no user named "${username}"`);
    await setPassword(tx, user.id, hash, now);
    await removeOidcArtefacts(tx, user.id);
    await recordRevocation(tx, user.id, now, 'password-reset');
    const event: SubjectRevokedEvent = {
      subject: user.id,
      revokedAt: now.toISOString(),
      reason: 'password-reset',
    };
    // Published by the outbox relay of whichever process runs it (identity's, when this runs offline).
    await outbox.enqueue(tx, accessEvents.subjectRevoked, event);
    await audit?.enqueue(
      tx,
      buildAuditEvent({
        interaction: 'user-change',
        outcome: '0',
        recorded: now,
        observer: 'identity',
        client: { id: 'healthlane-cli', name: 'healthlane user reset-password (operator)' },
        targetUser: { id: user.id, change: 'password-reset' },
      }),
    );
  });
  return { username, ...(password === undefined ? { generatedPassword: chosen } : {}) };
}
