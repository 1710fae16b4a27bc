// One error for every way a call to a peer can fail below HTTP, so callers (the gateway above all)
// can map it to 502/503/504 without parsing library error codes.

/**
 * - unavailable: no connection could be made (refused, unknown host) — nothing was sent.
 * - timeout: the peer did not connect, answer or keep sending within the bound.
 * - broken: the connection failed mid-exchange or the answer was not valid HTTP.
 * - aborted: the caller gave up (its signal fired), e.g. the client of a proxied request left.
 */
export type TransportErrorKind = 'unavailable' | 'timeout' | 'broken' | 'aborted';

export class TransportError extends Error {
  readonly kind: TransportErrorKind;
  /** Scheme, host and port of the peer: never the path, which may carry resource ids. */
  readonly origin: string;
  /** The underlying library or system code (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT, ...). */
  readonly code: string | undefined;

  constructor(kind: TransportErrorKind, origin: string, method: string, code?: string) {
    super(`${method} to ${origin} failed: ${describe(kind)}${code ? ` (${code})` : ''}`);
    this.name = 'TransportError';
    this.kind = kind;
    this.origin = origin;
    this.code = code;
  }
}

function describe(kind: TransportErrorKind): string {
  switch (kind) {
    case 'unavailable':
      return 'peer unavailable';
    case 'timeout':
      return 'peer timed out';
    case 'broken':
      return 'connection to peer broke';
    case 'aborted':
      return 'request aborted by caller';
  }
}

const timeoutCodes = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

/**
 * Classifies whatever undici or the socket threw. The original error is not kept as `cause`:
 * library messages can quote the request path, and error objects end up in logs.
 */
export function toTransportError(
  error: unknown,
  origin: string,
  method: string,
  callerSignal?: AbortSignal,
): TransportError {
  if (error instanceof TransportError) return error;
  const code = errorCode(error);
  if (callerSignal?.aborted) return new TransportError('aborted', origin, method, code);
  const name = error instanceof Error ? error.name : undefined;
  if (name === 'TimeoutError' || (code !== undefined && timeoutCodes.has(code))) {
    return new TransportError('timeout', origin, method, code ?? 'TimeoutError');
  }
  if (code !== undefined && unavailableCodes.has(code))
    return new TransportError('unavailable', origin, method, code);
  return new TransportError('broken', origin, method, code ?? name);
}

function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (typeof current !== 'object') return undefined;
    const record = current as { code?: unknown; cause?: unknown; name?: unknown };
    if (typeof record.code === 'string') return record.code;
    if (record.name === 'TimeoutError') return 'TimeoutError';
    current = record.cause;
  }
  return undefined;
}
