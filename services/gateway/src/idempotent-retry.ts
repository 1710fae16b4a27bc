// Tries an idempotent request (GET, HEAD, OPTIONS, no body) again when its upstream could not be
// reached, for a bounded while: a service restarting (rolling update, a crash its supervisor or
// Kubernetes heals) costs the client a pause instead of a failed read. Writes are never repeated.
import { TransportError } from '@healthlane/client';

const idempotentMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Only requests without a body: a streamed body cannot be sent twice. */
export function isRetryable(method: string, hasBody: boolean): boolean {
  return idempotentMethods.has(method) && !hasBody;
}

export interface RetryOptions {
  /** Total time spent retrying; 0 = one attempt. */
  budgetMs: number;
  /** The client left: stop retrying. */
  signal: AbortSignal;
  onRetry?: (error: TransportError) => void;
}

/**
 * Runs `attempt` until it succeeds, or fails in a way a repeat cannot help, or the budget is spent.
 * Repeated: `unavailable` (nothing was sent: refused, not resolvable) while the budget lasts, and
 * `broken` once (a pooled keep-alive connection the upstream closed as it stopped). Never
 * `timeout`: a slow upstream is not helped by twice the work.
 */
export async function withIdempotentRetry<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + options.budgetMs;
  let pauseMs = 50;
  let brokenSeen = false;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      const repeatable =
        error instanceof TransportError &&
        (error.kind === 'unavailable' || (error.kind === 'broken' && !brokenSeen));
      if (!repeatable || options.signal.aborted || Date.now() + pauseMs > deadline) throw error;
      if (error.kind === 'broken') brokenSeen = true;
      options.onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      pauseMs = Math.min(pauseMs * 2, 500);
    }
  }
}
