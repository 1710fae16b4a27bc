// Reads survive an upstream restarting: the gateway tries GET/HEAD/OPTIONS again while the
// upstream refuses connections (within GATEWAY_IDEMPOTENT_RETRY_MS), and never repeats a write.
import { createServer } from 'node:net';
import { TransportError } from '@healthlane/client';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withIdempotentRetry } from '../src/idempotent-retry.ts';
import { type GatewayApp, startGatewayApp } from './support/gateway-app.ts';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

describe('the gateway and an upstream that is restarting', () => {
  let latePort: number;
  let deadPort: number;
  let gateway: GatewayApp;
  const late = Fastify();
  const seen: string[] = [];
  // Answers as a stopping Fastify does (503, Connection: close) to the first two reads, then 200;
  // /closing/busy is a plain 503 (overloaded, say) every time.
  const stopping = Fastify();
  let closingAnswers = 0;

  beforeAll(async () => {
    [latePort, deadPort] = await Promise.all([closedPort(), closedPort()]);
    late.all('/late/*', async (request) => {
      seen.push(request.method);
      return { method: request.method };
    });
    stopping.all('/closing/busy', async (_request, reply) => reply.code(503).send({ busy: true }));
    stopping.all('/closing/*', async (request, reply) => {
      closingAnswers += 1;
      if (request.method === 'GET' && closingAnswers <= 2) {
        return reply.code(503).header('connection', 'close').send({ closing: true });
      }
      return { method: request.method };
    });
    const stoppingUrl = await stopping.listen({ host: '127.0.0.1', port: 0 });
    gateway = await startGatewayApp({
      GATEWAY_ROUTES: `/late=http://127.0.0.1:${latePort},/dead=http://127.0.0.1:${deadPort},/closing=${stoppingUrl}`,
      GATEWAY_IDEMPOTENT_RETRY_MS: '3s',
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await late.close();
    await stopping.close();
  });

  it('answers a GET once the upstream listens again; a POST is answered 503 at once and never sent', async () => {
    const read = fetch(`${gateway.url}/late/Patient/1`);
    const write = await fetch(`${gateway.url}/late/Patient`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(write.status).toBe(503);
    // The upstream comes up only after the POST was refused, while the GET is still waiting.
    await late.listen({ host: '127.0.0.1', port: latePort });
    const answered = await read;
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ method: 'GET' });
    expect(seen).toEqual(['GET']);
  });

  it('tries a read again when a stopping upstream answers 503 and closes the connection; a plain 503 passes', async () => {
    const read = await fetch(`${gateway.url}/closing/Patient/1`);
    expect(read.status).toBe(200);
    expect(closingAnswers).toBe(3);
    const busy = await fetch(`${gateway.url}/closing/busy`);
    expect(busy.status).toBe(503);
    expect(await busy.json()).toEqual({ busy: true });
  });

  it('answers 503 with Retry-After when the upstream stays down past the budget', async () => {
    const response = await fetch(`${gateway.url}/dead/Patient/1`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
  });
});

describe('withIdempotentRetry', () => {
  const never = new AbortController().signal;
  const failing = (kinds: Array<'unavailable' | 'broken' | 'timeout'>) => {
    let calls = 0;
    const attempt = async () => {
      const kind = kinds[calls];
      calls += 1;
      if (kind === undefined) return 'answer';
      throw new TransportError(kind, 'http://127.0.0.1:1', 'GET', 'X');
    };
    return { attempt, calls: () => calls };
  };

  it('repeats while the upstream is unreachable, and a broken connection once', async () => {
    const run = failing(['unavailable', 'unavailable', 'broken', 'unavailable']);
    await expect(withIdempotentRetry(run.attempt, { budgetMs: 5_000, signal: never })).resolves.toBe(
      'answer',
    );
    expect(run.calls()).toBe(5);
  });

  it('gives up on a second broken connection, on a timeout, and with no budget', async () => {
    const broken = failing(['broken', 'broken']);
    await expect(
      withIdempotentRetry(broken.attempt, { budgetMs: 5_000, signal: never }),
    ).rejects.toMatchObject({
      kind: 'broken',
    });
    expect(broken.calls()).toBe(2);
    const slow = failing(['timeout']);
    await expect(withIdempotentRetry(slow.attempt, { budgetMs: 5_000, signal: never })).rejects.toMatchObject(
      {
        kind: 'timeout',
      },
    );
    expect(slow.calls()).toBe(1);
    const noBudget = failing(['unavailable']);
    await expect(withIdempotentRetry(noBudget.attempt, { budgetMs: 0, signal: never })).rejects.toMatchObject(
      {
        kind: 'unavailable',
      },
    );
    expect(noBudget.calls()).toBe(1);
  });

  it('stops once the client has left', async () => {
    const left = new AbortController();
    left.abort();
    const run = failing(['unavailable']);
    await expect(
      withIdempotentRetry(run.attempt, { budgetMs: 5_000, signal: left.signal }),
    ).rejects.toBeInstanceOf(TransportError);
    expect(run.calls()).toBe(1);
  });
});
