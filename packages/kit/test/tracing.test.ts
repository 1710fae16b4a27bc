import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/create-http-app.ts';
import { traceHeaders } from '../src/tracing/trace-headers.ts';
import { initTracing, type Tracing } from '../src/tracing/tracing.ts';
import { captureLogs } from './support/log-capture.ts';

const incomingTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const incomingTraceparent = `00-${incomingTraceId}-00f067aa0ba902b7-01`;

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function appWithTracedRoutes() {
  const logs = captureLogs();
  const app = createHttpApp({ logger: logs.logger });
  app.get('/things/:id', async (request) => {
    await sleep(5);
    request.log.info('inside handler');
    return { outgoing: traceHeaders() };
  });
  app.post('/things', async () => {
    await sleep(5);
    return { outgoing: traceHeaders() };
  });
  return { app, logs };
}

function traceIdOf(traceparent: string | undefined): string | undefined {
  return traceparent?.split('-')[1];
}

describe('tracing', () => {
  it('continues an incoming traceparent into logs and outgoing headers', async () => {
    tracing = initTracing({ serviceName: 'trace-test' });
    const { app, logs } = appWithTracedRoutes();
    const got = await app.inject({
      method: 'GET',
      url: '/things/t-1',
      headers: { traceparent: incomingTraceparent },
    });
    const posted = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { traceparent: incomingTraceparent, 'content-type': 'application/json' },
      payload: '{"a":1}',
    });
    await app.close();

    for (const response of [got, posted]) {
      const outgoing = response.json().outgoing.traceparent as string;
      expect(traceIdOf(outgoing)).toBe(incomingTraceId);
      // The outgoing parent is the server span, not the caller's span.
      expect(outgoing).not.toBe(incomingTraceparent);
    }
    const lines = logs.lines();
    expect(lines.find((line) => line.msg === 'inside handler')?.traceId).toBe(incomingTraceId);
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line.traceId)).toEqual([incomingTraceId, incomingTraceId]);
    // The request log line carries the server span's id, the one propagated onward.
    expect(completed[0]?.spanId).toBe(got.json().outgoing.traceparent.split('-')[2]);
  });

  it('starts a fresh trace when none comes in', async () => {
    tracing = initTracing({ serviceName: 'trace-test' });
    const { app } = appWithTracedRoutes();
    const first = await app.inject({ method: 'GET', url: '/things/a' });
    const second = await app.inject({ method: 'GET', url: '/things/b' });
    await app.close();
    const [one, two] = [first, second].map((response) => traceIdOf(response.json().outgoing.traceparent));
    expect(one).toMatch(/^[0-9a-f]{32}$/);
    expect(one).not.toBe(two);
  });

  it('without an exporter, keeps the incoming sampled flag and mints a fresh span id per request', async () => {
    tracing = initTracing({ serviceName: 'trace-test' });
    expect(tracing.exporting).toBe(false);
    const { app } = appWithTracedRoutes();
    const unsampled = `00-${incomingTraceId}-00f067aa0ba902b7-00`;
    const first = await app.inject({ method: 'GET', url: '/things/a', headers: { traceparent: unsampled } });
    const second = await app.inject({ method: 'GET', url: '/things/b', headers: { traceparent: unsampled } });
    const fresh = await app.inject({ method: 'GET', url: '/things/c' });
    await app.close();
    const [one, two, three] = [first, second, fresh].map(
      (response) => response.json().outgoing.traceparent.split('-') as string[],
    );
    expect(one?.[1]).toBe(incomingTraceId);
    expect(one?.[3]).toBe('00');
    expect(one?.[2]).toMatch(/^[0-9a-f]{16}$/);
    expect(one?.[2]).not.toBe(two?.[2]);
    expect(three?.[3]).toBe('01');
  });

  it('gives no trace headers outside a request', () => {
    tracing = initTracing({ serviceName: 'trace-test' });
    expect(traceHeaders()).toEqual({});
  });

  it('exports server spans over OTLP/HTTP with route, method and status but no URL', async () => {
    const received: { url: string | undefined; body: string }[] = [];
    const collector = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ url: request.url, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      tracing = initTracing({ serviceName: 'otlp-test', endpoint: `http://127.0.0.1:${port}/` });
      expect(tracing.exporting).toBe(true);
      const { app } = appWithTracedRoutes();
      const response = await app.inject({
        method: 'GET',
        url: '/things/secret-thing-42?name=Smith',
        headers: { traceparent: incomingTraceparent },
      });
      expect(response.statusCode).toBe(200);
      await app.close();
      await tracing.shutdown(); // flushes the batch

      expect(received.map((request) => request.url)).toContain('/v1/traces');
      const body = received.map((request) => request.body).join('\n');
      const payload = JSON.parse(received.find((request) => request.url === '/v1/traces')!.body);
      const resourceSpans = payload.resourceSpans[0];
      expect(JSON.stringify(resourceSpans.resource)).toContain('otlp-test');
      const span = resourceSpans.scopeSpans[0].spans[0];
      expect(span.name).toBe('GET /things/:id');
      expect(span.traceId).toBe(incomingTraceId);
      const attributes = Object.fromEntries(
        span.attributes.map((attribute: { key: string; value: Record<string, unknown> }) => [
          attribute.key,
          Object.values(attribute.value)[0],
        ]),
      );
      expect(attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/things/:id',
        'http.response.status_code': 200,
      });
      expect(body).not.toContain('secret-thing-42');
      expect(body).not.toContain('Smith');
    } finally {
      collector.close();
    }
  });
});
