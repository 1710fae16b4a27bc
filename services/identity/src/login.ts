// Checks a sign-in: password (scrypt), then the TOTP code when the user enrolled one, under the
// lockout policy. Every failure looks the same to the caller (no account enumeration).
import type { Database } from '@healthlane/store';
import { afterFailure, isLocked, type LockoutPolicy } from './domain/lockout.ts';
import { decoyHash, verifyPassword } from './domain/password.ts';
import { verifyTotp } from './domain/totp.ts';
import { findUserByName, recordLoginOutcome, type User } from './store/users.ts';

export type LoginOutcome =
  | { ok: true; user: User; amr: string[] }
  /** `user`: the account the name matched, when it matched one (for the audit trail, never the reply). */
  | { ok: false; reason: 'invalid' | 'locked' | 'disabled' | 'mfa-required'; user?: User };

export interface LoginAttempt {
  username: string;
  password: string;
  otp?: string;
}

export async function checkLogin(
  db: Database,
  attempt: LoginAttempt,
  policy: LockoutPolicy,
  now: Date,
): Promise<LoginOutcome> {
  const user = await findUserByName(db, attempt.username);
  if (user === undefined) {
    await verifyPassword(attempt.password, decoyHash);
    return { ok: false, reason: 'invalid' };
  }
  if (isLocked(user, now)) return { ok: false, reason: 'locked', user };
  const fail = async (reason: 'invalid' | 'mfa-required'): Promise<LoginOutcome> => {
    const next = afterFailure(user, policy, now);
    await recordLoginOutcome(db, user.id, next, now);
    return {
      ok: false,
      reason: next.lockedUntil !== null && isLocked(next, now) ? 'locked' : reason,
      user,
    };
  };
  if (!(await verifyPassword(attempt.password, user.passwordHash))) return fail('invalid');
  if (user.disabled) return { ok: false, reason: 'disabled', user };
  let totpStep: number | undefined;
  if (user.totpSecret !== null) {
    if (!attempt.otp) return { ok: false, reason: 'mfa-required', user };
    totpStep = verifyTotp(user.totpSecret, attempt.otp, now, user.totpLastStep);
    if (totpStep === undefined) return fail('invalid');
  }
  await recordLoginOutcome(
    db,
    user.id,
    {
      failedLogins: 0,
      lockedUntil: null,
      ...(totpStep === undefined ? {} : { totpStep, totpLastStep: totpStep }),
    },
    now,
  );
  return { ok: true, user, amr: totpStep === undefined ? ['pwd'] : ['pwd', 'otp'] };
}

export function loginMessage(reason: 'invalid' | 'locked' | 'disabled' | 'mfa-required' | 'rate'): string {
  switch (reason) {
    case 'mfa-required':
      return 'Enter the one-time code from your authenticator app.';
    case 'rate':
      return 'Too many sign-in attempts. Wait a minute and try again.';
    default:
      return 'The username, password or code is not right, or the account is locked or disabled.';
  }
}
