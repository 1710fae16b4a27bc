// The oracle talks to a records server through this small port: Fastify's inject in unit tests,
// fetch over loopback for a separate server.
import type { FastifyInstance } from 'fastify';

export interface Reply {
  status: number;
  body: string;
}

export interface SearchClient {
  /** `path` starts with /fhir/R4. */
  request(method: 'GET' | 'PUT' | 'POST', path: string, body?: string): Promise<Reply>;
}

const headers = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };

export function injectClient(app: FastifyInstance): SearchClient {
  return {
    async request(method, path, body) {
      const response = await app.inject({
        method,
        url: path,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
      return { status: response.statusCode, body: response.body };
    },
  };
}

export function httpClient(origin: string): SearchClient {
  return {
    async request(method, path, body) {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
      });
      return { status: response.status, body: await response.text() };
    },
  };
}
