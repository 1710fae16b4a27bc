// Traces cross service calls: the transport injects the active span's context as `traceparent`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHttpTransport } from '../src/index.ts';

const contextManager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(() => {
  context.disable();
  propagation.disable();
});

it('sends the active span as traceparent, and leaves a caller-supplied one alone without a span', async () => {
  const seen: Array<string | undefined> = [];
  const server = createServer((request, response) => {
    seen.push(request.headers.traceparent as string | undefined);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const transport = createHttpTransport({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
  try {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    const active = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags: 1 });
    await context.with(active, () => transport.request({ method: 'GET', path: '/' }));
    const passedThrough = '00-11111111111111111111111111111111-2222222222222222-01';
    await transport.request({ method: 'GET', path: '/', headers: { traceparent: passedThrough } });
    expect(seen).toEqual([`00-${traceId}-${spanId}-01`, passedThrough]);
  } finally {
    await transport.close();
    await new Promise((resolve) => server.close(resolve));
  }
});
