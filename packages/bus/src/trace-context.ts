// Carries the OpenTelemetry context across the bus in message headers (W3C `traceparent` when the
// process registered that propagator; a no-op otherwise).
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { MessageHeaders } from './bus-port.ts';

/** The caller's headers plus the active trace context. */
export function headersWithTraceContext(headers: MessageHeaders | undefined): MessageHeaders {
  const carrier: MessageHeaders = { ...headers };
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The headers as given, plus the active trace context only where they carry none of their own. */
export function headersKeepingTraceContext(headers: MessageHeaders | undefined): MessageHeaders {
  return headers?.traceparent === undefined ? headersWithTraceContext(headers) : { ...headers };
}

/**
 * Runs `work` in the context carried by `headers`. It starts from the root context, not the active
 * one, so a subscription loop never leaks the context of whoever called `subscribe` into handlers.
 * Async so that a handler throwing synchronously still yields a rejection.
 */
export async function runInTraceContext<T>(headers: MessageHeaders, work: () => Promise<T>): Promise<T> {
  return context.with(propagation.extract(ROOT_CONTEXT, headers), work);
}
