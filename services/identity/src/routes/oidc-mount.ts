// Mounts oidc-provider (a Koa application) under /auth in Fastify: its own encapsulated scope whose
// body parsers leave the request stream unread (oidc-provider reads it), and a catch-all route that
// hands the raw request and response to the provider. The Host seen by the provider is the public
// one, so every URL it builds (discovery, token endpoint, assertion audience) follows
// HEALTHLANE_PUBLIC_URL however the request reached this process.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';

export const oidcMountPath = '/auth';

export async function mountOidcProvider(
  app: FastifyInstance,
  provider: Provider,
  publicUrl: string,
): Promise<void> {
  const callback = provider.callback();
  const { host, protocol } = new URL(publicUrl);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handler = async (
      request: import('fastify').FastifyRequest,
      reply: import('fastify').FastifyReply,
    ) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      const url = raw.url ?? oidcMountPath;
      raw.originalUrl = url;
      raw.url = url.slice(oidcMountPath.length) || '/';
      raw.headers.host = host;
      raw.headers['x-forwarded-host'] = host;
      raw.headers['x-forwarded-proto'] = protocol.replace(':', '');
      await callback(raw, reply.raw);
    };
    scope.all(oidcMountPath, handler);
    scope.all(`${oidcMountPath}/*`, handler);
  });
}

/**
 * Runs `work` with the raw request looking as it does inside the mounted provider (url without the
 * mount path, originalUrl with it), so URLs the provider builds for it (the resume URL after an
 * interaction) carry the mount path. The request is restored afterwards.
 */
export async function asMounted<T>(raw: IncomingMessage, work: () => Promise<T>): Promise<T> {
  const withOriginal = raw as IncomingMessage & { originalUrl?: string };
  const url = raw.url ?? '';
  const original = withOriginal.originalUrl;
  withOriginal.originalUrl = url;
  raw.url = url.startsWith(oidcMountPath) ? url.slice(oidcMountPath.length) || '/' : url;
  try {
    return await work();
  } finally {
    raw.url = url;
    withOriginal.originalUrl = original;
  }
}
