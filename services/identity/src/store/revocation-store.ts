// Subject revocations and open break-glass grants as verifiers need them: persisted with the change
// that caused them, so a verifier that starts (or reconnects to the bus) later loads the current
// list instead of missing what was published while it was away.
import type { SqlExecutor } from '@healthlane/store';

export interface RevocationSnapshot {
  /** Subjects whose tokens issued at or before `revokedAt` no longer work. */
  revocations: { subject: string; revokedAt: string }[];
  /** Break-glass grants still open. */
  breakGlass: { subject: string; patient: string; expiresAt: string }[];
}

/** Records (or moves forward) a subject's revocation, in the caller's transaction. */
export async function recordRevocation(
  db: SqlExecutor,
  subject: string,
  revokedAt: Date,
  reason: string,
): Promise<void> {
  await db.query(
    `INSERT INTO identity.subject_revocation (subject, revoked_at, reason) VALUES ($1, $2, $3)
     ON CONFLICT (subject) DO UPDATE SET revoked_at = EXCLUDED.revoked_at, reason = EXCLUDED.reason
     WHERE identity.subject_revocation.revoked_at < EXCLUDED.revoked_at`,
    [subject, revokedAt, reason],
  );
}

/**
 * What a verifier must know at `now`: revocations recorded within `windowMs` (longer than any access
 * token lives: older ones concern only expired tokens) and the break-glass grants still open.
 */
export async function revocationSnapshot(
  db: SqlExecutor,
  now: Date,
  windowMs: number,
): Promise<RevocationSnapshot> {
  const since = new Date(now.getTime() - windowMs);
  const revoked = await db.query<{ subject: string; revoked_at: Date }>(
    'SELECT subject, revoked_at FROM identity.subject_revocation WHERE revoked_at > $1 ORDER BY revoked_at',
    [since],
  );
  const open = await db.query<{ user_id: string; patient_id: string; expires_at: Date }>(
    'SELECT user_id, patient_id, expires_at FROM identity.break_glass WHERE expires_at > $1 ORDER BY opened_at',
    [now],
  );
  return {
    revocations: revoked.rows.map((row) => ({
      subject: row.subject,
      revokedAt: new Date(row.revoked_at).toISOString(),
    })),
    breakGlass: open.rows.map((row) => ({
      subject: row.user_id,
      patient: row.patient_id,
      expiresAt: new Date(row.expires_at).toISOString(),
    })),
  };
}
