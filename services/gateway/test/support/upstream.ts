// A stand-in upstream service on a free port that records what reached it.
import Fastify, { type FastifyInstance } from 'fastify';

export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Upstream {
  url: string;
  seen: Seen[];
  app: FastifyInstance;
  close(): Promise<void>;
}

/** Answers every path with JSON describing the request; `configure` may add special routes first. */
export async function startUpstream(
  name: string,
  configure?: (app: FastifyInstance) => void,
): Promise<Upstream> {
  const seen: Seen[] = [];
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  configure?.(app);
  app.all('/*', async (request, reply) => {
    const record = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: typeof request.body === 'string' ? request.body : '',
    };
    seen.push(record);
    return reply
      .header('x-upstream', name)
      .header('set-cookie', ['a=1', 'b=2'])
      .header('keep-alive', 'timeout=5')
      .send({ upstream: name, method: record.method, url: record.url, body: record.body });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, seen, app, close: () => app.close() };
}
