// Tries an idempotent request (GET, HEAD, OPTIONS, no body) again when its upstream could not be
// reached, for a bounded while: a service restarting (rolling update, a crash its supervisor or
// Kubernetes heals) costs the client a pause instead of a failed read. Writes are never repeated.
import { type ForwardResponse, TransportError } from '@healthlane/client';

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
 * A 503 that closes its connection comes from an upstream that is stopping (Fastify answers so
 * for requests that reach it on a kept-alive connection after close began): for the retry it
 * counts as unreachable. Its body is discarded.
 */
export function refuseClosing(response: ForwardResponse, origin: string, method: string): ForwardResponse {
  if (response.status !== 503 || String(response.headers.connection ?? '').toLowerCase() !== 'close')
    return response;
  response.body.resume();
  throw new TransportError('unavailable', origin, method, 'UPSTREAM_CLOSING');
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
