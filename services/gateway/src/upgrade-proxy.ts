// WebSocket (HTTP Upgrade) proxying for the distributed layout: an upgrade request under a routed
// prefix is relayed byte for byte to its upstream (monitoring's live streams and WebSocket ingest),
// after the same bearer-token check the gateway applies to HTTP when authentication is on.
// Fastify does not route upgrades, so this listens on the HTTP server's 'upgrade' event.
import type { IncomingMessage, Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { UpstreamRoute } from './route-table.ts';

export interface UpgradeProxyOptions {
  routes: readonly UpstreamRoute[];
  /** Resolves true when the upgrade request may pass (a valid bearer token); absent = no check. */
  authenticate?: (request: IncomingMessage) => Promise<boolean>;
}

/** Hop-by-hop headers other than the upgrade handshake's own are not forwarded. */
const dropped = new Set([
  'proxy-connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'proxy-authorization',
]);

function refuse(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

function routeFor(routes: readonly UpstreamRoute[], url: string): UpstreamRoute | undefined {
  const path = url.split('?', 1)[0] ?? '';
  return routes.find((route) => path === route.prefix || path.startsWith(`${route.prefix}/`));
}

/** Attaches the upgrade relay to `server`; returns a function that detaches it and closes open tunnels. */
export function attachUpgradeProxy(server: Server, options: UpgradeProxyOptions): () => void {
  const tunnels = new Set<Socket | Duplex>();

  async function onUpgrade(request: IncomingMessage, client: Duplex, head: Buffer): Promise<void> {
    client.on('error', () => client.destroy());
    const route = routeFor(options.routes, request.url ?? '/');
    if (!route || (request.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      refuse(client, 404, 'Not Found');
      return;
    }
    if (options.authenticate && !(await options.authenticate(request).catch(() => false))) {
      refuse(client, 401, 'Unauthorized');
      return;
    }
    const target = new URL(route.upstream);
    if (target.protocol !== 'http:') {
      refuse(client, 502, 'Bad Gateway');
      return;
    }
    const upstream = connect({ host: target.hostname, port: Number(target.port || 80) });
    tunnels.add(upstream);
    tunnels.add(client);
    const close = () => {
      upstream.destroy();
      client.destroy();
      tunnels.delete(upstream);
      tunnels.delete(client);
    };
    upstream.on('error', () => {
      if (!upstream.readyState || upstream.readyState === 'opening') refuse(client, 502, 'Bad Gateway');
      close();
    });
    client.on('close', close);
    upstream.on('close', close);
    upstream.once('connect', () => {
      const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < request.rawHeaders.length; i += 2) {
        const name = request.rawHeaders[i] as string;
        if (dropped.has(name.toLowerCase()) || name.toLowerCase() === 'host') continue;
        lines.push(`${name}: ${request.rawHeaders[i + 1]}`);
      }
      lines.push(`host: ${target.host}`);
      const forwardedFor = request.socket.remoteAddress;
      if (forwardedFor) lines.push(`x-forwarded-for: ${forwardedFor}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
  }

  const listener = (request: IncomingMessage, socket: Duplex, head: Buffer) =>
    void onUpgrade(request, socket, head);
  server.on('upgrade', listener);
  return () => {
    server.off('upgrade', listener);
    for (const socket of tunnels) socket.destroy();
    tunnels.clear();
  };
}
