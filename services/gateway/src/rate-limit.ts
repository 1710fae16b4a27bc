// Per-client rate limiting at the entry: a token bucket per client (the token's client id, or the
// caller's address before a token is known), refilled continuously, answering 429 with Retry-After.
import type { Clock } from '@healthlane/kit';

export interface RateLimiter {
  /** Takes one request from the key's bucket; false when it is empty. */
  take(key: string): boolean;
}

export function createRateLimiter(perSecond: number, clock: Clock, maxKeys = 100_000): RateLimiter {
  const burst = perSecond * 2;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const now = clock.now().getTime();
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        if (buckets.size >= maxKeys) buckets.delete(buckets.keys().next().value as string);
        bucket = { tokens: burst, at: now };
        buckets.set(key, bucket);
      } else {
        bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
        bucket.at = now;
      }
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}
