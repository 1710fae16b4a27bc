// The records service as the bundle, demo and import tests meet it: the real service in the kit's
// host over in-memory PGlite, reached through HTTP (app.inject, or a loopback listener).
import { Writable } from 'node:stream';
import { type Host, startHost } from '@healthlane/kit';
import { createRecordsService } from '../src/index.ts';

export interface RecordsHost {
  host: Host;
  /** POST /fhir/R4 with `body`; the parsed reply. */
  postBundle(body: unknown, headers?: Record<string, string>): Promise<{ status: number; json: FhirJson }>;
  get(path: string): Promise<{ status: number; json: FhirJson }>;
  stop(): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read deep into FHIR JSON replies
export type FhirJson = any;

const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

export async function startRecordsHost(env: Record<string, string> = {}): Promise<RecordsHost> {
  const host = await startHost({
    services: [createRecordsService()],
    env: {
      HEALTHLANE_DATA_DIR: 'memory://',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'warn',
      HEALTHLANE_DEMO: 'false',
      HEALTHLANE_AUTH: 'off', // records alone, without identity
      ...env,
    },
    logDestination: quiet,
  });
  const reply = (response: { statusCode: number; body: string }) => ({
    status: response.statusCode,
    json: response.body === '' ? undefined : JSON.parse(response.body),
  });
  return {
    host,
    async postBundle(body, headers = {}) {
      const response = await host.app.inject({
        method: 'POST',
        url: '/fhir/R4',
        headers: { 'content-type': 'application/fhir+json', ...headers },
        payload: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return reply(response);
    },
    async get(path) {
      return reply(await host.app.inject({ method: 'GET', url: path }));
    },
    stop: () => host.stop(),
  };
}
