// Users and care teams in the identity schema: lookups for login and token claims, lockout
// counters, password and MFA changes, and disabling (which removes every session and grant).
import type { Role } from '@healthlane/access';
import type { SqlExecutor } from '@healthlane/store';

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  patientId: string | null;
  passwordHash: string;
  totpSecret: string | null;
  totpLastStep: number | null;
  failedLogins: number;
  lockedUntil: Date | null;
  disabled: boolean;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  patient_id: string | null;
  password_hash: string;
  totp_secret: string | null;
  totp_last_step: number | null;
  failed_logins: number;
  locked_until: Date | null;
  disabled: boolean;
}

const columns =
  'id, username, display_name, roles, patient_id, password_hash, totp_secret, totp_last_step, failed_logins, locked_until, disabled';

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    patientId: row.patient_id,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpLastStep: row.totp_last_step,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
    disabled: row.disabled,
  };
}

export async function findUserByName(db: SqlExecutor, username: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${columns} FROM identity.app_user WHERE username = $1`, [
    username,
  ]);
  return rows[0] && toUser(rows[0]);
}

export async function findUser(db: SqlExecutor, id: string): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${columns} FROM identity.app_user WHERE id = $1`, [id]);
  return rows[0] && toUser(rows[0]);
}

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  patientId: string | null;
  passwordHash: string;
}

/** Inserts a user; false when the username is taken. */
export async function insertUser(db: SqlExecutor, user: NewUser, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO identity.app_user (id, username, display_name, roles, patient_id, password_hash, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (username) DO NOTHING`,
    [user.id, user.username, user.displayName, user.roles, user.patientId, user.passwordHash, now],
  );
  return rowCount === 1;
}

export async function recordLoginOutcome(
  db: SqlExecutor,
  id: string,
  state: { failedLogins: number; lockedUntil: Date | null; totpLastStep?: number },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE identity.app_user SET failed_logins = $2, locked_until = $3,
       totp_last_step = COALESCE($4, totp_last_step), updated_at = $5 WHERE id = $1`,
    [id, state.failedLogins, state.lockedUntil, state.totpLastStep ?? null, now],
  );
}

export async function setPassword(
  db: SqlExecutor,
  id: string,
  passwordHash: string,
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE identity.app_user SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = $3
     WHERE id = $1`,
    [id, passwordHash, now],
  );
}

export async function setTotpSecret(
  db: SqlExecutor,
  id: string,
  secret: string | null,
  now: Date,
): Promise<void> {
  await db.query(
    'UPDATE identity.app_user SET totp_secret = $2, totp_last_step = NULL, updated_at = $3 WHERE id = $1',
    [id, secret, now],
  );
}

/** Disables (or re-enables) a user; disabling removes their sessions, grants, codes and refresh tokens. */
export async function setDisabled(
  db: SqlExecutor,
  id: string,
  disabled: boolean,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE identity.app_user SET disabled = $2, updated_at = $3 WHERE id = $1',
    [id, disabled, now],
  );
  if (rowCount === 1 && disabled) await removeOidcArtefacts(db, id);
  return rowCount === 1;
}

/** Every session, grant, code and refresh token of an account (a grant's artefacts share its id). */
export async function removeOidcArtefacts(db: SqlExecutor, accountId: string): Promise<void> {
  await db.query(
    `DELETE FROM identity.oidc_model WHERE account_id = $1
       OR grant_id IN (SELECT id FROM identity.oidc_model WHERE model = 'Grant' AND account_id = $1)`,
    [accountId],
  );
}

export async function listUsers(db: SqlExecutor): Promise<User[]> {
  const { rows } = await db.query<UserRow>(`SELECT ${columns} FROM identity.app_user ORDER BY username`);
  return rows.map(toUser);
}

export async function countUsers(db: SqlExecutor): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM identity.app_user');
  return rows[0]?.n ?? 0;
}

/** The patients of every care team the user belongs to (their normal reach for clinical roles). */
export async function careTeamPatients(db: SqlExecutor, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ patient_id: string }>(
    `SELECT DISTINCT p.patient_id FROM identity.care_team_member m
       JOIN identity.care_team_patient p ON p.team_id = m.team_id WHERE m.user_id = $1 ORDER BY 1 LIMIT 500`,
    [userId],
  );
  return rows.map((row) => row.patient_id);
}
