// The in-process peer transport: in the all-in-one process a call to another service is a request
// into the same HTTP app (no socket, same hooks, same errors), carrying the active trace context.
// Distributed, the caller passes @healthlane/client's HTTP transport instead.
import type { FastifyInstance } from 'fastify';
import type { PeerRequest, PeerResponse, PeerTransport } from '../service.ts';
import { traceHeaders } from '../tracing/trace-headers.ts';

function flattenHeaders(
  headers: Record<string, string | string[] | number | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return flat;
}

/**
 * Requests into `app` itself via Fastify's inject. `isReady` guards calls made before every
 * service's routes are mounted (injecting earlier would freeze the route table).
 */
export function createInProcessPeers(app: FastifyInstance, isReady: () => boolean): PeerTransport {
  return {
    async request(request: PeerRequest): Promise<PeerResponse> {
      if (!isReady()) throw new Error('in-process peer transport used before the host mounted all routes');
      const response = await app.inject({
        method: request.method,
        url: request.path,
        headers: { ...traceHeaders(), ...request.headers },
        ...(request.body === undefined ? {} : { payload: Buffer.from(request.body) }),
      });
      return {
        status: response.statusCode,
        headers: flattenHeaders(response.headers),
        body: new Uint8Array(response.rawPayload),
      };
    },
  };
}
