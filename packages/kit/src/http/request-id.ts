// Request ids: a well-formed incoming X-Request-ID is kept (so one id follows a request across
// services), anything else is replaced by a fresh id. The id is echoed on every response.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const requestIdHeader = 'x-request-id';

const wellFormed = /^[A-Za-z0-9._:-]{1,128}$/;

export function chooseRequestId(incoming: string | string[] | undefined, generate: () => string): string {
  return typeof incoming === 'string' && wellFormed.test(incoming) ? incoming : generate();
}

export function defaultRequestId(): string {
  return randomUUID();
}

export function echoRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(requestIdHeader, request.id);
    done();
  });
}
