// CORS for an explicit allow-list of browser origins (GATEWAY_CORS_ORIGINS); none by default.
// Tokens travel in the Authorization header, so credentialed (cookie) CORS is never enabled.
import { Problem } from '@healthlane/kit';
import type { FastifyInstance, FastifyReply } from 'fastify';

const allowedMethods = 'GET, HEAD, POST, PUT, PATCH, DELETE';
const allowedHeaders = [
  'accept',
  'authorization',
  'content-type',
  'if-match',
  'if-modified-since',
  'if-none-exist',
  'if-none-match',
  'prefer',
  'traceparent',
  'tracestate',
  'x-request-id',
].join(', ');
const exposedHeaders = 'content-location, etag, last-modified, location, retry-after, x-request-id';

export function addCors(app: FastifyInstance, origins: readonly string[]): void {
  const allowList = new Set(origins);

  // Preflights are answered here, before routing: no service needs an OPTIONS route of its own.
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS' || !origin || !request.headers['access-control-request-method']) return;
    reply.header('vary', 'Origin');
    if (!allowList.has(origin)) throw Problem.forbidden('This origin is not allowed to call the platform');
    return reply
      .code(204)
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', allowedMethods)
      .header('access-control-allow-headers', allowedHeaders)
      .header('access-control-max-age', '600')
      .send();
  });

  if (allowList.size === 0) return;
  app.addHook('onSend', async (request, reply, payload) => {
    appendVary(reply, 'Origin');
    const origin = request.headers.origin;
    if (origin && allowList.has(origin) && !reply.hasHeader('access-control-allow-origin')) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-expose-headers', exposedHeaders);
    }
    return payload;
  });
}

/** Adds a token to Vary without dropping what a route or upstream already put there. */
function appendVary(reply: FastifyReply, token: string): void {
  const current = reply.getHeader('vary');
  const text = Array.isArray(current) ? current.join(', ') : typeof current === 'string' ? current : '';
  const tokens = text.split(',').map((part) => part.trim().toLowerCase());
  if (!tokens.includes(token.toLowerCase()) && !tokens.includes('*')) {
    reply.header('vary', text ? `${text}, ${token}` : token);
  }
}
