// Pure identity logic: TOTP against the RFC 6238 test vectors, scrypt hashes, lockout, the login
// attempt limiter, and which SMART scopes a client may be given.
import { describe, expect, it } from 'vitest';
import { afterFailure, createAttemptLimiter, isLocked } from '../src/domain/lockout.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../src/domain/password.ts';
import { allowedResourceScopes } from '../src/domain/smart-scopes.ts';
import { base32Decode, base32Encode, totpCode, totpStep, verifyTotp } from '../src/domain/totp.ts';

describe('TOTP (RFC 6238, SHA-1)', () => {
  // The RFC's secret is the ASCII string "12345678901234567890"; its vectors are 8 digits, ours 6.
  const secret = base32Encode(Buffer.from('12345678901234567890'));
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('at %i s the code is %s', (seconds, code) => {
    expect(totpCode(secret, totpStep(new Date(seconds * 1000)))).toBe(code);
  });

  it('accepts one step of drift, never a step at or before the last accepted one', () => {
    const at = new Date(1111111111 * 1000);
    const step = totpStep(at);
    expect(verifyTotp(secret, totpCode(secret, step - 1), at)).toBe(step - 1);
    expect(verifyTotp(secret, totpCode(secret, step - 2), at)).toBeUndefined();
    expect(verifyTotp(secret, totpCode(secret, step), at, step)).toBeUndefined();
    expect(verifyTotp(secret, 'abcdef', at)).toBeUndefined();
  });

  it('round-trips base32', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 7]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
  });
});

describe('passwords', () => {
  it('hashes with scrypt and a salt, verifies, and refuses a wrong password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterz', a)).toBe(false);
    expect(await verifyPassword('x', 'md5$abc')).toBe(false);
  });

  it('asks for 12 characters and not only digits', () => {
    expect(passwordProblem('short')).toBeDefined();
    expect(passwordProblem('123456789012')).toBeDefined();
    expect(passwordProblem('a long passphrase')).toBeUndefined();
  });
});

describe('lockout', () => {
  const policy = { threshold: 3, durationMs: 60_000 };
  const now = new Date('2026-12-01T10:00:00Z');
  it('locks on the third failure in a row, for the duration', () => {
    let state = { failedLogins: 0, lockedUntil: null as Date | null };
    state = afterFailure(state, policy, now);
    state = afterFailure(state, policy, now);
    expect(isLocked(state, now)).toBe(false);
    state = afterFailure(state, policy, now);
    expect(isLocked(state, now)).toBe(true);
    expect(isLocked(state, new Date(now.getTime() + 60_001))).toBe(false);
  });

  it('limits attempts per key per window', () => {
    let at = 0;
    const limiter = createAttemptLimiter(2, 60_000, () => new Date(at));
    expect([limiter.attempt('a'), limiter.attempt('a'), limiter.attempt('a'), limiter.attempt('b')]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    at = 60_000;
    expect(limiter.attempt('a')).toBe(true);
  });
});

describe('allowedResourceScopes', () => {
  it('keeps the requested SMART scopes within what the client was registered with', () => {
    expect(
      allowedResourceScopes(
        ['openid', 'system/Observation.rs', 'system/Patient.cruds', 'user/*.rs', 'system/Observation.read'],
        'system/Observation.cruds',
      ),
    ).toEqual(['system/Observation.rs', 'system/Observation.read']);
    expect(allowedResourceScopes(['patient/*.rs'], undefined)).toEqual([]);
  });
});
