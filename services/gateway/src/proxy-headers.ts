// Which headers cross the gateway: hop-by-hop ones (RFC 9110 §7.6.1) stay on their own connection,
// everything else passes, and the upstream learns who the original client was (X-Forwarded-*).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers this hop sets itself: the upstream's Host is its own, and undici refuses `expect`. */
const replacedOnRequest = new Set([
  'host',
  'expect',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
]);

export interface ForwardedFor {
  clientIp: string;
  protocol: string;
  host: string | undefined;
  requestId: string;
}

export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  forwarded: ForwardedFor,
): Record<string, string | string[]> {
  const dropped = connectionListed(incoming.connection);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || hopByHop.has(name) || replacedOnRequest.has(name) || dropped.has(name))
      continue;
    headers[name] = value;
  }
  const priorFor = incoming['x-forwarded-for'];
  headers['x-forwarded-for'] = priorFor ? `${priorFor}, ${forwarded.clientIp}` : forwarded.clientIp;
  // Protocol and host as Fastify sees them, which honours the host's trust-proxy setting.
  headers['x-forwarded-proto'] = forwarded.protocol;
  if (forwarded.host) headers['x-forwarded-host'] = forwarded.host;
  headers['x-request-id'] = forwarded.requestId;
  return headers;
}

export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  const connection = upstream.connection;
  const dropped = connectionListed(
    typeof connection === 'string' || Array.isArray(connection) ? connection : undefined,
  );
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(upstream)) {
    if (value === undefined || hopByHop.has(name) || dropped.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}

/** Headers named in `Connection` are hop-by-hop for this message too. */
function connectionListed(value: string | string[] | undefined): Set<string> {
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    text
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter((token) => token !== ''),
  );
}
