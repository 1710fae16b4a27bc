// One lifecycle per request for traces, metrics and the request log: a server span starts on
// arrival (continuing an incoming traceparent) and is active for every hook and the handler; on
// completion the duration is recorded and one log line written. All of them name the route
// template, never the URL: ids and search values in URLs are identifiers.
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Metrics, unmatchedRoute } from '../metrics/metrics.ts';

interface Observation {
  context: Context;
  span: Span;
}

const observations = new WeakMap<FastifyRequest, Observation>();

/** The trace context of a request (its server span), for work done outside its hooks. */
export function requestContext(request: FastifyRequest): Context | undefined {
  return observations.get(request)?.context;
}

/** Runs `work` with the request's server span active (so logs carry its trace ids). */
export function withRequestContext<T>(request: FastifyRequest, work: () => T): T {
  const active = observations.get(request)?.context;
  return active === undefined ? work() : context.with(active, work);
}

function routeOf(request: FastifyRequest): string | undefined {
  return request.is404 ? undefined : request.routeOptions.url;
}

export interface RequestObserverOptions {
  metrics: Metrics;
  /** Route templates that get no span (probes and scrapes, which would drown real traces). */
  untracedRoutes: ReadonlySet<string>;
}

export function observeRequests(app: FastifyInstance, options: RequestObserverOptions): void {
  const tracer = trace.getTracer('@healthlane/kit');

  app.addHook('onRequest', (request, _reply, done) => {
    const route = routeOf(request);
    if (route !== undefined && options.untracedRoutes.has(route)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'http.route': route ?? unmatchedRoute },
      },
      parent,
    );
    const active = trace.setSpan(parent, span);
    observations.set(request, { context: active, span });
    // Everything after this hook (body parsing included) continues inside the span's context.
    context.with(active, done);
  });

  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const statusCode = reply.statusCode;
    options.metrics.observeRequest(request.method, route, statusCode, reply.elapsedTime / 1000);
    withRequestContext(request, () =>
      request.log.info(
        {
          method: request.method,
          route: route ?? unmatchedRoute,
          statusCode,
          durationMs: Math.round(reply.elapsedTime * 100) / 100,
        },
        'request completed',
      ),
    );
    const observation = observations.get(request);
    if (observation !== undefined) {
      observation.span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) observation.span.setStatus({ code: SpanStatusCode.ERROR });
      observation.span.end();
      observations.delete(request);
    }
    done();
  });

  app.addHook('onRequestAbort', (request, done) => {
    withRequestContext(request, () =>
      request.log.info(
        { method: request.method, route: routeOf(request) ?? unmatchedRoute },
        'request aborted',
      ),
    );
    const observation = observations.get(request);
    if (observation !== undefined) {
      observation.span.setStatus({ code: SpanStatusCode.ERROR, message: 'client aborted' });
      observation.span.end();
      observations.delete(request);
    }
    done();
  });
}
