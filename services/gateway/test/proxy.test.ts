// The gateway in distributed mode against real local upstreams: routing, headers, ids, traces,
// body limits and how upstream failures reach the client.
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayApp, startGatewayApp } from './support/gateway-app.ts';
import { startUpstream, type Upstream } from './support/upstream.ts';

let fhir: Upstream;
let binary: Upstream;
let slow: Upstream;
let gateway: GatewayApp;
let deadPort: number;

beforeAll(async () => {
  fhir = await startUpstream('fhir');
  binary = await startUpstream('binary');
  slow = await startUpstream('slow', (app) => {
    app.get('/slow/hang', () => new Promise(() => {}));
    app.get('/slow/drop', async (request) => {
      request.raw.socket.destroy();
      return new Promise(() => {});
    });
  });
  deadPort = await closedPort();
  gateway = await startGatewayApp({
    GATEWAY_ROUTES: [
      `/fhir=${fhir.url}`,
      `/fhir/R4/Binary=${binary.url}`,
      `/slow=${slow.url}`,
      `/down=http://127.0.0.1:${deadPort}`,
    ].join(','),
    GATEWAY_UPSTREAM_TIMEOUT_MS: '300',
    GATEWAY_IDEMPOTENT_RETRY_MS: '200',
    BODY_LIMIT_BYTES: '1024',
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([fhir?.close(), binary?.close(), slow?.close()]);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('routing', () => {
  it('sends each path to the longest matching prefix, with method, path and query unchanged', async () => {
    const viaFhir = await fetch(`${gateway.url}/fhir/R4/Patient?name=x&_count=2`);
    expect(viaFhir.status).toBe(200);
    expect(await viaFhir.json()).toMatchObject({
      upstream: 'fhir',
      method: 'GET',
      url: '/fhir/R4/Patient?name=x&_count=2',
    });

    const viaBinary = await fetch(`${gateway.url}/fhir/R4/Binary/abc`, { method: 'DELETE' });
    expect(await viaBinary.json()).toMatchObject({
      upstream: 'binary',
      method: 'DELETE',
      url: '/fhir/R4/Binary/abc',
    });

    expect(await (await fetch(`${gateway.url}/fhir`)).json()).toMatchObject({
      upstream: 'fhir',
      url: '/fhir',
    });
  });

  it('answers paths outside every prefix itself (404 OperationOutcome)', async () => {
    const response = await fetch(`${gateway.url}/fhirx/1`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('streams request bodies of any content type through', async () => {
    const response = await fetch(`${gateway.url}/fhir/R4/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json' },
      body: '{"resourceType":"Patient"}',
    });
    expect(await response.json()).toMatchObject({ method: 'POST', body: '{"resourceType":"Patient"}' });
    const ndjson = await fetch(`${gateway.url}/fhir/$import`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+ndjson' },
      body: '{"a":1}\n{"b":2}\n',
    });
    expect(await ndjson.json()).toMatchObject({ body: '{"a":1}\n{"b":2}\n' });
  });

  it('streams a chunked body (no Content-Length) through', async () => {
    const chunks = new ReadableStream({
      start(controller) {
        for (const part of ['one,', 'two,', 'three']) controller.enqueue(new TextEncoder().encode(part));
        controller.close();
      },
    });
    const response = await fetch(`${gateway.url}/fhir/R4/Binary`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(await response.json()).toMatchObject({ upstream: 'binary', method: 'PUT', body: 'one,two,three' });
  });

  it('passes HEAD through without a body', async () => {
    const response = await fetch(`${gateway.url}/fhir/R4/Patient`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe('fhir');
    expect(await response.text()).toBe('');
  });
});

describe('headers', () => {
  it('drops hop-by-hop headers both ways and adds X-Forwarded-*', async () => {
    const before = fhir.seen.length;
    const { status, headers } = await rawGet(`${gateway.url}/fhir/R4/metadata`, {
      connection: 'keep-alive, x-hop-only',
      'x-hop-only': 'secret',
      'proxy-authorization': 'Basic abc',
      'x-end-to-end': 'kept',
    });
    expect(status).toBe(200);
    const seen = fhir.seen[before]!.headers;
    expect(seen['x-end-to-end']).toBe('kept');
    expect(seen['x-hop-only']).toBeUndefined();
    expect(seen['proxy-authorization']).toBeUndefined();
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(new URL(gateway.url).host);
    expect(headers['keep-alive']).not.toBe('timeout=5');
    expect(headers['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('propagates an incoming x-request-id to the upstream and echoes it', async () => {
    const before = fhir.seen.length;
    const response = await fetch(`${gateway.url}/fhir/R4/Patient`, {
      headers: { 'x-request-id': 'req-123.abc' },
    });
    expect(response.headers.get('x-request-id')).toBe('req-123.abc');
    expect(fhir.seen[before]!.headers['x-request-id']).toBe('req-123.abc');
  });

  it('gives a request without an id a fresh one, the same upstream and in the answer', async () => {
    const before = fhir.seen.length;
    const response = await fetch(`${gateway.url}/fhir/R4/Patient`);
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fhir.seen[before]!.headers['x-request-id']).toBe(id);
  });

  it('continues the caller trace: same trace id upstream, the gateway span as parent', async () => {
    const before = fhir.seen.length;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const incoming = `00-${traceId}-00f067aa0ba902b7-01`;
    await fetch(`${gateway.url}/fhir/R4/Patient`, { headers: { traceparent: incoming } });
    const forwarded = String(fhir.seen[before]!.headers.traceparent);
    expect(forwarded).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(forwarded).not.toBe(incoming);
  });
});

describe('upstream failures', () => {
  it('answers 503 with Retry-After when the upstream refuses connections', async () => {
    const response = await fetch(`${gateway.url}/down/Patient/123`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    const outcome = await response.json();
    expect(outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'transient' }] });
    expect(JSON.stringify(outcome)).not.toContain('123');
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    const response = await fetch(`${gateway.url}/slow/hang`);
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ issue: [{ code: 'timeout' }] });
  });

  it('answers 502 when the upstream drops the connection', async () => {
    const response = await fetch(`${gateway.url}/slow/drop`);
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ issue: [{ code: 'exception' }] });
  });
});

describe('body limit', () => {
  it('refuses a declared length over BODY_LIMIT_BYTES before calling the upstream', async () => {
    const before = fhir.seen.length;
    const response = await fetch(`${gateway.url}/fhir/R4/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(2048),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ issue: [{ code: 'too-long' }] });
    expect(fhir.seen.length).toBe(before);
  });

  it('stops a chunked body once it passes the limit', async () => {
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i += 1) controller.enqueue(new TextEncoder().encode('y'.repeat(512)));
        controller.close();
      },
    });
    const response = await fetch(`${gateway.url}/fhir/R4/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on('error', reject);
    request.end();
  });
}
