// The gateway's WebSocket relay: an upgrade under a routed prefix reaches its upstream and frames
// flow both ways; an unrouted path is refused 404; a failed token check is refused 401.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { attachUpgradeProxy } from '../src/upgrade-proxy.ts';

let upstream: Server;
let gateway: Server;
let open: Server;
let detach: () => void;
const seenHeaders: Array<Record<string, unknown>> = [];

const portOf = (server: Server) => (server.address() as AddressInfo).port;
const listen = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

beforeAll(async () => {
  upstream = createServer();
  const wss = new WebSocketServer({ server: upstream });
  wss.on('connection', (socket, request) => {
    seenHeaders.push({ url: request.url, forwarded: request.headers['x-forwarded-for'] });
    socket.on('message', (data) => socket.send(`echo:${data.toString()}`));
  });
  await listen(upstream);
  const routes = [{ prefix: '/monitoring', upstream: `http://127.0.0.1:${portOf(upstream)}` }];
  gateway = createServer();
  detach = attachUpgradeProxy(gateway, {
    routes,
    authenticate: async (request) => request.headers.authorization === 'Bearer good',
  });
  await listen(gateway);
  open = createServer();
  attachUpgradeProxy(open, { routes });
  await listen(open);
});

afterAll(async () => {
  detach();
  for (const server of [gateway, open, upstream]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function exchange(url: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once('open', () => socket.send('ping'));
    socket.once('message', (data) => {
      resolve(data.toString());
      socket.close();
    });
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`status ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
}

describe('WebSocket upgrade relay', () => {
  it('relays an upgrade under a routed prefix, with the query, both ways', async () => {
    expect(await exchange(`ws://127.0.0.1:${portOf(open)}/monitoring/v1/live?ward=w1`)).toBe('echo:ping');
    expect(seenHeaders.at(-1)).toEqual({ url: '/monitoring/v1/live?ward=w1', forwarded: '127.0.0.1' });
  });
  it('refuses an unrouted path with 404', async () => {
    await expect(exchange(`ws://127.0.0.1:${portOf(open)}/elsewhere`)).rejects.toThrow('status 404');
  });
  it('checks the token when authentication is on', async () => {
    await expect(exchange(`ws://127.0.0.1:${portOf(gateway)}/monitoring/v1/live?ward=w1`)).rejects.toThrow(
      'status 401',
    );
    expect(
      await exchange(`ws://127.0.0.1:${portOf(gateway)}/monitoring/v1/live?ward=w1`, {
        authorization: 'Bearer good',
      }),
    ).toBe('echo:ping');
  });
});
