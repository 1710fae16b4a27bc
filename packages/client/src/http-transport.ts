// PeerTransport over HTTP: one keep-alive undici Pool per peer, bounded timeouts, the active trace
// context injected as `traceparent`, and every failure turned into a TransportError.
import type { Readable } from 'node:stream';
import { context, propagation } from '@opentelemetry/api';
import { Pool } from 'undici';
import type { HttpMethod, PeerRequest, PeerResponse, PeerTransport } from './transport.ts';
import { toTransportError } from './transport-error.ts';

export interface HttpTransportOptions {
  /** Where the peer listens, e.g. 'http://127.0.0.1:8101' or 'http://gateway:8080/base'. */
  baseUrl: string;
  /** Bound on connecting, on waiting for the response headers and on each gap in the body. Default 10 s. */
  timeoutMs?: number;
  /** Most sockets kept open to this peer. Default 16. */
  connections?: number;
}

/** A request whose body and response stay streams: what a proxy needs. */
export interface ForwardRequest {
  method: HttpMethod | 'OPTIONS';
  /** Path and query, relative to the base URL. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Readable | Uint8Array | string | null;
  /** Aborts the call, e.g. when the proxied client disconnects. */
  signal?: AbortSignal;
}

export interface ForwardResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface HttpTransport extends PeerTransport {
  /** Scheme, host and port of the peer. */
  readonly origin: string;
  /** Like request() but streams both ways and keeps repeated headers apart (set-cookie). */
  forward(request: ForwardRequest): Promise<ForwardResponse>;
  /** Lets in-flight calls finish, then closes the sockets. */
  close(): Promise<void>;
}

const defaultTimeoutMs = 10_000;
const defaultConnections = 16;

export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const url = new URL(options.baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`createHttpTransport: baseUrl must be http(s), got ${url.protocol}`);
  }
  const origin = url.origin;
  const basePath = url.pathname.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const pool = new Pool(origin, {
    connections: options.connections ?? defaultConnections,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    // Peers are long-lived; keep idle sockets a while so bursts do not pay for new connections.
    keepAliveTimeout: 30_000,
  });

  async function forward(request: ForwardRequest): Promise<ForwardResponse> {
    const headers = withTraceContext(request.headers);
    try {
      const response = await pool.request({
        method: request.method,
        path: basePath + request.path,
        headers,
        body: request.body ?? null,
        signal: request.signal ?? null,
      });
      return { status: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      throw toTransportError(error, origin, request.method, request.signal);
    }
  }

  async function request(peerRequest: PeerRequest): Promise<PeerResponse> {
    // One deadline over the whole exchange, body included, so a trickling peer cannot hold a caller.
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const response = await pool.request({
        method: peerRequest.method,
        path: basePath + peerRequest.path,
        headers: withTraceContext(peerRequest.headers ?? {}),
        body: peerRequest.body ?? null,
        signal: deadline,
      });
      const body = new Uint8Array(await response.body.arrayBuffer());
      return { status: response.statusCode, headers: flattenHeaders(response.headers), body };
    } catch (error) {
      throw toTransportError(error, origin, peerRequest.method);
    }
  }

  return { origin, request, forward, close: () => pool.close() };
}

/** Adds `traceparent`/`tracestate` of the active span; without one, a caller-supplied value stays. */
function withTraceContext<T extends Record<string, string | string[]>>(headers: T): T {
  const carrier: Record<string, string | string[]> = { ...headers };
  propagation.inject(context.active(), carrier);
  return carrier as T;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
