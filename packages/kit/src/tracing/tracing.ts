// OpenTelemetry set-up for a process. The W3C trace-context propagator and an AsyncLocalStorage
// context manager are always registered, so every request has trace ids for logs and
// propagation; spans are recorded and leave the process only when an OTLP endpoint is configured.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { propagatingTracerProvider } from './propagating-tracer.ts';

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP base URL (e.g. http://collector:4318); spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
}

export interface Tracing {
  /** True when spans are exported. */
  readonly exporting: boolean;
  /** Flushes pending spans and unregisters the globals this call registered. Idempotent. */
  shutdown(): Promise<void>;
}

/** The registration that owns the process-wide OpenTelemetry globals right now. */
let current: object | undefined;

export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

export function initTracing(options: TracingOptions): Tracing {
  // Without an exporter nothing would read a recorded span: only mint ids, which is much cheaper.
  const provider =
    options.endpoint === undefined
      ? undefined
      : new BasicTracerProvider({
          resource: defaultResource().merge(
            resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
          ),
          spanProcessors: [
            new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint) })),
          ],
        });
  const contextManager = new AsyncLocalStorageContextManager().enable();

  // A later registration (a second host in one test process) replaces an earlier one.
  trace.disable();
  context.disable();
  propagation.disable();
  trace.setGlobalTracerProvider(provider ?? propagatingTracerProvider);
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const registration = {};
  current = registration;

  let stopping: Promise<void> | undefined;
  return {
    exporting: provider !== undefined,
    shutdown() {
      stopping ??= (async () => {
        try {
          await provider?.shutdown();
        } finally {
          if (current === registration) {
            trace.disable();
            context.disable();
            propagation.disable();
            current = undefined;
          }
        }
      })();
      return stopping;
    },
  };
}
