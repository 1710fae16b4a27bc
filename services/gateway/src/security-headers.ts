// Browser-facing hardening on every response the process sends, whichever service produced it.
// A header a route or upstream already set wins, so the console can later widen its own policy.
import type { FastifyInstance } from 'fastify';

/** For HTML: only same-origin scripts, styles and connections; no plugins, framing or inline code. */
export const documentPolicy = [
  "default-src 'self'",
  "base-uri 'none'",
  "object-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data:",
].join('; ');

/** For API answers (JSON, NDJSON, text): nothing may load from them, nothing may frame them. */
export const apiPolicy = "default-src 'none'; frame-ancestors 'none'";

export interface SecurityHeaderOptions {
  /** Only when the platform is reached over TLS: HSTS over plain HTTP would lock browsers out. */
  hsts: boolean;
}

export function addSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): void {
  const fixed: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };
  if (options.hsts) fixed['strict-transport-security'] = 'max-age=63072000; includeSubDomains';

  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(fixed)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (!reply.hasHeader('content-security-policy')) {
      const type = String(reply.getHeader('content-type') ?? '');
      reply.header('content-security-policy', type.startsWith('text/html') ? documentPolicy : apiPolicy);
    }
    return payload;
  });
}
