// One Prometheus registry per process: default process metrics, the HTTP server histogram, and
// whatever domain metrics services register on it.
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Route label for requests that matched no route, so stray URLs cannot grow the label set. */
export const unmatchedRoute = 'unmatched';

/** 1 ms to 10 s. */
const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface Metrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
  /** Records one finished request; `route` is the route template, undefined when none matched. */
  observeRequest(method: string, route: string | undefined, statusCode: number, seconds: number): void;
}

export function createMetrics(options: { defaultLabels?: Record<string, string> } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: durationBuckets,
    registers: [registry],
  });
  return {
    registry,
    httpRequestDuration,
    observeRequest(method, route, statusCode, seconds) {
      httpRequestDuration.observe(
        {
          method: knownMethods.has(method) ? method : 'OTHER',
          route: route ?? unmatchedRoute,
          status_code: String(statusCode),
        },
        seconds,
      );
    },
  };
}
