// Forwards each configured prefix to its upstream over a keep-alive HTTP transport: method,
// path and query unchanged, bodies streamed both ways, failures answered as OperationOutcomes.
import { pipeline, type Readable } from 'node:stream';
import { createHttpTransport, type HttpTransport, TransportError } from '@healthlane/client';
import { Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { limitBody } from './body-limit.ts';
import { isRetryable, refuseClosing, withIdempotentRetry } from './idempotent-retry.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from './proxy-headers.ts';
import type { UpstreamRoute } from './route-table.ts';
import { upstreamFailure } from './upstream-failure.ts';

export interface ProxyOptions {
  routes: readonly UpstreamRoute[];
  timeoutMs: number;
  /** Largest request body passed upstream, in bytes (the host's BODY_LIMIT_BYTES). */
  bodyLimit: number;
  requestId: (request: FastifyRequest) => string;
  /** How long a GET/HEAD/OPTIONS keeps trying an upstream it cannot reach (0 = no retry). */
  idempotentRetryMs: number;
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type ForwardedMethod = (typeof methods)[number];

/** Sockets kept per upstream: the gateway multiplexes every client onto these. */
const connectionsPerUpstream = 64;

export async function registerProxy(
  app: FastifyInstance,
  options: ProxyOptions,
): Promise<() => Promise<void>> {
  const transports = options.routes.map((route) => ({
    route,
    transport: createHttpTransport({
      baseUrl: route.upstream,
      timeoutMs: options.timeoutMs,
      connections: connectionsPerUpstream,
    }),
  }));

  // Own encapsulated scope: the raw-stream body parser must not leak to routes served in-process.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    for (const { route, transport } of transports) {
      const handler = forwardTo(route, transport, options);
      // The router prefers the longest static prefix, so '/fhir/R4/*' wins over '/fhir/*'.
      for (const url of [route.prefix, `${route.prefix}/*`]) {
        scope.route({ method: [...methods], url, exposeHeadRoute: false, handler });
      }
    }
  });

  return async () => {
    await Promise.all(transports.map(({ transport }) => transport.close()));
  };
}

function forwardTo(route: UpstreamRoute, transport: HttpTransport, options: ProxyOptions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > options.bodyLimit) throw tooLarge();

    const limiter = request.body === undefined ? undefined : limitBody(options.bodyLimit);
    const body = limiter ? pipeline(request.body as Readable, limiter, () => {}) : null;
    // The client leaving (response closed before it finished) cancels the upstream call.
    const abandon = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) abandon.abort();
    });

    try {
      const call = {
        method: request.method as ForwardedMethod,
        path: request.url,
        headers: upstreamRequestHeaders(request.headers, {
          clientIp: request.ip,
          protocol: request.protocol,
          host: request.host,
          requestId: options.requestId(request),
        }),
        body,
        signal: abandon.signal,
      };
      const upstream = isRetryable(request.method, body !== null)
        ? await withIdempotentRetry(
            async () => refuseClosing(await transport.forward(call), transport.origin, request.method),
            {
              budgetMs: options.idempotentRetryMs,
              signal: abandon.signal,
              onRetry: (error) =>
                request.log.debug({ upstream: route.prefix, kind: error.kind }, 'upstream retried'),
            },
          )
        : await transport.forward(call);
      reply.code(upstream.status).headers(clientResponseHeaders(upstream.headers));
      if (request.method === 'HEAD') {
        upstream.body.resume();
        return reply.send();
      }
      return reply.send(upstream.body);
    } catch (error) {
      if (limiter?.exceeded()) throw tooLarge();
      if (!(error instanceof TransportError)) throw error;
      if (error.kind === 'aborted') return reply;
      // The prefix names the upstream; the path is left out because it can carry resource ids.
      request.log.warn(
        { upstream: route.prefix, kind: error.kind, code: error.code },
        'upstream call failed',
      );
      throw upstreamFailure(error);
    }
  };
}

function tooLarge(): Problem {
  // The unread body is not drained: the connection closes instead of swallowing a huge upload.
  return Problem.payloadTooLarge('The request body is larger than the gateway accepts', {
    headers: { connection: 'close' },
  });
}
