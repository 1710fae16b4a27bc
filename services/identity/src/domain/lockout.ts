// Login lockout and rate limiting, as pure decisions over stored counters and an in-memory window.

export interface LockoutPolicy {
  /** Failed attempts in a row that lock the account. */
  threshold: number;
  /** How long the account stays locked. */
  durationMs: number;
}

export interface LockoutState {
  failedLogins: number;
  lockedUntil: Date | null;
}

export function isLocked(state: LockoutState, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

/** The state after one more failure: locked once the threshold is reached (the count restarts). */
export function afterFailure(state: LockoutState, policy: LockoutPolicy, now: Date): LockoutState {
  const failed = state.failedLogins + 1;
  if (failed >= policy.threshold) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + policy.durationMs) };
  }
  return { failedLogins: failed, lockedUntil: state.lockedUntil };
}

/** A fixed-window counter per key (client address, username): at most `limit` attempts per window. */
export function createAttemptLimiter(limit: number, windowMs: number, now: () => Date) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts an attempt; false when the key is over its limit for the current window. */
    attempt(key: string): boolean {
      const at = now().getTime();
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (at - w.start >= windowMs) windows.delete(k);
      }
      const window = windows.get(key);
      if (window === undefined || at - window.start >= windowMs) {
        windows.set(key, { start: at, count: 1 });
        return true;
      }
      window.count += 1;
      return window.count <= limit;
    },
  };
}
