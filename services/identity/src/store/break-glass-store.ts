// Break-glass grants: one user, one patient, a reason, an end time.
import type { SqlExecutor } from '@healthlane/store';

export interface BreakGlassRecord {
  id: string;
  userId: string;
  patientId: string;
  reason: string;
  openedAt: Date;
  expiresAt: Date;
}

export async function insertBreakGlass(db: SqlExecutor, record: BreakGlassRecord): Promise<void> {
  await db.query(
    `INSERT INTO identity.break_glass (id, user_id, patient_id, reason, opened_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [record.id, record.userId, record.patientId, record.reason, record.openedAt, record.expiresAt],
  );
}

/** The user's grants still open at `now` (carried in new access tokens). */
export async function openBreakGlass(
  db: SqlExecutor,
  userId: string,
  now: Date,
): Promise<{ patientId: string; expiresAt: Date }[]> {
  const { rows } = await db.query<{ patient_id: string; expires_at: Date }>(
    'SELECT patient_id, expires_at FROM identity.break_glass WHERE user_id = $1 AND expires_at > $2 ORDER BY opened_at',
    [userId, now],
  );
  return rows.map((row) => ({ patientId: row.patient_id, expiresAt: row.expires_at }));
}
