// The HTTP transport against a real local server: keep-alive, base paths, timeouts, error kinds.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport, TransportError } from '../src/index.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(handler: Handler): Promise<{ url: string; server: Server; connections: () => number }> {
  let connections = 0;
  const server = createServer(handler);
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, connections: () => connections };
}

function transportFor(baseUrl: string, timeoutMs?: number): HttpTransport {
  const transport = createHttpTransport({ baseUrl, ...(timeoutMs ? { timeoutMs } : {}) });
  cleanups.push(() => transport.close());
  return transport;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('createHttpTransport', () => {
  it('sends method, base path + path, headers and body, and returns status, headers and bytes', async () => {
    const upstream = await serve(async (request, response) => {
      const body = await readBody(request);
      response.setHeader('content-type', 'application/json');
      response.setHeader('x-seen', request.headers['x-custom'] ?? '');
      response.statusCode = 201;
      response.end(JSON.stringify({ method: request.method, url: request.url, body }));
    });
    const transport = transportFor(`${upstream.url}/base/`);
    const response = await transport.request({
      method: 'POST',
      path: '/fhir/R4/Patient?_count=1',
      headers: { 'x-custom': 'yes', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(response.status).toBe(201);
    expect(response.headers['x-seen']).toBe('yes');
    expect(JSON.parse(new TextDecoder().decode(response.body))).toEqual({
      method: 'POST',
      url: '/base/fhir/R4/Patient?_count=1',
      body: 'hello',
    });
  });

  it('keeps the connection alive across sequential requests', async () => {
    const upstream = await serve((_request, response) => response.end('ok'));
    const transport = transportFor(upstream.url);
    for (let i = 0; i < 10; i += 1) {
      expect((await transport.request({ method: 'GET', path: '/livez' })).status).toBe(200);
    }
    // The pool may open a second socket while the first is being released, but never one per request.
    expect(upstream.connections()).toBeLessThanOrEqual(2);
  });

  it('times out a peer that never answers, with a message free of the path', async () => {
    const upstream = await serve(() => {
      // Never answers.
    });
    const transport = transportFor(upstream.url, 200);
    const started = Date.now();
    const error = await transport
      .request({ method: 'GET', path: '/fhir/R4/Patient/secret-id-123' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.kind).toBe('timeout');
    expect(error.message).not.toContain('secret-id-123');
    expect(error.message).toContain(upstream.url);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('times out a body that stalls after the headers', async () => {
    const upstream = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('partial');
    });
    const transport = transportFor(upstream.url, 200);
    const error = await transport.request({ method: 'GET', path: '/slow' }).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.kind).toBe('timeout');
  });

  it('reports a closed port as unavailable', async () => {
    const upstream = await serve((_request, response) => response.end());
    await new Promise<void>((resolve) => {
      upstream.server.close(() => resolve());
    });
    const transport = transportFor(upstream.url);
    const error = await transport.request({ method: 'GET', path: '/Patient/abc' }).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.kind).toBe('unavailable');
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).not.toContain('/Patient/abc');
  });

  it('reports a connection dropped mid-answer as broken', async () => {
    const upstream = await serve((request) => request.socket.destroy());
    const transport = transportFor(upstream.url);
    const error = await transport.request({ method: 'POST', path: '/x', body: 'a' }).catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.kind).toBe('broken');
  });

  it('forward streams the answer and keeps repeated headers apart', async () => {
    const upstream = await serve((_request, response) => {
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.end('streamed');
    });
    const transport = transportFor(upstream.url);
    const response = await transport.forward({ method: 'GET', path: '/', headers: {} });
    expect(response.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    let text = '';
    for await (const chunk of response.body) text += chunk.toString();
    expect(text).toBe('streamed');
  });

  it('forward reports a caller abort as aborted', async () => {
    const upstream = await serve(() => {
      // Never answers.
    });
    const transport = transportFor(upstream.url);
    const controller = new AbortController();
    const pending = transport.forward({ method: 'GET', path: '/', headers: {}, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error.kind).toBe('aborted');
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => createHttpTransport({ baseUrl: 'ftp://example.org' })).toThrow(/http/);
  });
});
