// The HTTP app every service runs in: Fastify with request ids, traces, metrics, request logs,
// OperationOutcome errors, FHIR JSON bodies and the probe endpoints, wired in one place.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { Health } from '../health/health.ts';
import { probeRoutes, registerProbeRoutes } from '../health/routes.ts';
import { createMetrics, type Metrics } from '../metrics/metrics.ts';
import { replyWithOperationOutcomes } from './error-replies.ts';
import { chooseRequestId, defaultRequestId, echoRequestId, requestIdHeader } from './request-id.ts';
import { observeRequests } from './request-observer.ts';

export interface HttpAppOptions {
  logger: Logger;
  /** Readiness state behind /readyz; a fresh one (no checks) by default. */
  health?: Health;
  /** Registry behind /metrics and the request histogram; a fresh one by default. */
  metrics?: Metrics;
  /** Largest accepted request body. Default 8 MiB. */
  bodyLimitBytes?: number;
  /** Trust X-Forwarded-* (only behind a proxy that sets them). Default false. */
  trustProxy?: boolean;
  /** New request ids; random UUIDs by default. */
  generateRequestId?: () => string;
}

/**
 * Once draining, replies ask clients to reconnect (elsewhere): without this a keep-alive socket
 * that carried an in-flight request stays open after it and holds `close()` until the client
 * gives up. Closing the app also counts as draining.
 */
function closeConnectionsWhileDraining(app: FastifyInstance, health: Health): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (health.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', (done) => {
    health.setDraining();
    done();
  });
}

export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const generate = options.generateRequestId ?? defaultRequestId;
  const app = Fastify({
    // Typed as Fastify's base logger so the app is the plain FastifyInstance services are written against.
    loggerInstance: options.logger as FastifyBaseLogger,
    // The kit writes its own request line (route template, no URL) in the request observer.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (request) => chooseRequestId(request.headers[requestIdHeader], generate),
    bodyLimit: options.bodyLimitBytes ?? 8 * 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // New requests during close get 503 + Connection: close; idle keep-alive sockets are closed so
    // they cannot hold the process open, while in-flight requests finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  const health = options.health ?? new Health({ logger: options.logger });
  const metrics = options.metrics ?? createMetrics();

  observeRequests(app, { metrics, untracedRoutes: probeRoutes });
  echoRequestId(app);
  closeConnectionsWhileDraining(app, health);
  replyWithOperationOutcomes(app);
  // FHIR's own media type parses like JSON (same prototype-poisoning protection, same limit).
  app.addContentTypeParser(
    'application/fhir+json',
    { parseAs: 'string' },
    app.getDefaultJsonParser('error', 'error'),
  );
  registerProbeRoutes(app, health, metrics);
  return app;
}
