// Resets a user's password directly in the database (the `healthlane user reset-password` command,
// for an operator who lost the admin password): new hash, lockout cleared, sessions and refresh
// tokens removed, and identity.subject.revoked published through the outbox.
import { randomBytes } from 'node:crypto';
import { accessEvents, type SubjectRevokedEvent } from '@healthlane/access';
import type { Outbox } from '@healthlane/bus';
import type { Database } from '@healthlane/store';
import { hashPassword, passwordProblem } from './domain/password.ts';
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
    const event: SubjectRevokedEvent = {
      subject: user.id,
      revokedAt: now.toISOString(),
      reason: 'password-reset',
    };
    // Published by the outbox relay of whichever process runs it (identity's, when this runs offline).
    await outbox.enqueue(tx, accessEvents.subjectRevoked, event);
  });
  return { username, ...(password === undefined ? { generatedPassword: chosen } : {}) };
}
