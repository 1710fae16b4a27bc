// Carries the active trace onward: headers for a peer call made inside a request or a consumer.
import { context, propagation } from '@opentelemetry/api';

/** `traceparent` (and `tracestate`) for the active context; empty when there is none. */
export function traceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}
