// SMART launch contexts: registered by an EHR before an EHR launch (`launch` parameter), and the
// patient/encounter each grant was given (added to its token response and access-token claims).
import type { SqlExecutor } from '@healthlane/store';

export interface LaunchContext {
  patient?: string;
  encounter?: string;
}

export async function createLaunchContext(
  db: SqlExecutor,
  id: string,
  context: LaunchContext,
  createdBy: string,
  expiresAt: Date,
): Promise<void> {
  await db.query(
    'INSERT INTO identity.launch_context (id, patient, encounter, created_by, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [id, context.patient ?? null, context.encounter ?? null, createdBy, expiresAt],
  );
}

export async function findLaunchContext(
  db: SqlExecutor,
  id: string,
  now: Date,
): Promise<LaunchContext | undefined> {
  const { rows } = await db.query<{ patient: string | null; encounter: string | null }>(
    'SELECT patient, encounter FROM identity.launch_context WHERE id = $1 AND expires_at > $2',
    [id, now],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    ...(row.patient ? { patient: row.patient } : {}),
    ...(row.encounter ? { encounter: row.encounter } : {}),
  };
}

export async function saveGrantContext(
  db: SqlExecutor,
  grantId: string,
  context: LaunchContext,
): Promise<void> {
  await db.query(
    `INSERT INTO identity.grant_context (grant_id, patient, encounter) VALUES ($1, $2, $3)
     ON CONFLICT (grant_id) DO UPDATE SET patient = EXCLUDED.patient, encounter = EXCLUDED.encounter`,
    [grantId, context.patient ?? null, context.encounter ?? null],
  );
}

export async function findGrantContext(db: SqlExecutor, grantId: string): Promise<LaunchContext> {
  const { rows } = await db.query<{ patient: string | null; encounter: string | null }>(
    'SELECT patient, encounter FROM identity.grant_context WHERE grant_id = $1',
    [grantId],
  );
  const row = rows[0];
  return {
    ...(row?.patient ? { patient: row.patient } : {}),
    ...(row?.encounter ? { encounter: row.encounter } : {}),
  };
}
