import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config/load-config.ts';
import type { Host } from '../src/index.ts';
import { startHost } from '../src/index.ts';
import type { ServiceDefinition } from '../src/service.ts';
import { notesService } from './fixtures/notes-service.ts';

const fixedNow = new Date('2030-01-02T03:04:05.000Z');
const baseEnv = { HOST: '127.0.0.1', PORT: '0', HEALTHLANE_DATA_DIR: 'memory://', NOTES_REQUIRED_FLAG: '1' };

function logSink() {
  const raw: string[] = [];
  return {
    raw,
    destination: { write: (chunk: string) => void raw.push(...chunk.split('\n').filter(Boolean)) },
    lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('startHost with a service over in-memory PGlite and the in-process bus', () => {
  let host: Host;
  const logs = logSink();

  beforeAll(async () => {
    host = await startHost({
      services: [notesService],
      env: { ...baseEnv, NOTES_GREETING: 'bonjour' },
      clock: { now: () => fixedNow },
      logDestination: logs.destination,
    });
  }, 90_000);
  afterAll(() => host?.stop());

  it('listens on a real port and logs one listening line without secrets', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const listening = logs.lines().filter((line) => line.msg === 'listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]).toMatchObject({
      services: ['test-notes'],
      mode: { database: 'pglite-memory', bus: 'in-process', peers: 'in-process', traceExport: false },
    });
  });

  it('mounts the service’s routes with its config and clock', async () => {
    const response = await fetch(`${host.url}/notes/greeting`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ greeting: 'bonjour', at: fixedNow.toISOString() });
  });

  it('applied the service’s migrations and serves its data, publishing to the bus', async () => {
    const created = await fetch(`${host.url}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'first note' }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    expect(await (await fetch(`${host.url}/notes/${id}`)).json()).toEqual({ body: 'first note' });
    const seen = await eventually(
      async () => ((await (await fetch(`${host.url}/notes/seen`)).json()) as { seen: string[] }).seen,
      (ids) => ids.includes(String(id)),
    );
    expect(seen).toContain(String(id));
  });

  it('renders the service’s problems as OperationOutcome', async () => {
    const response = await fetch(`${host.url}/notes/999999`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(((await response.json()) as { issue: { diagnostics: string }[] }).issue[0]?.diagnostics).toBe(
      'Note not found',
    );
  });

  it('is ready with database, bus and service checks', async () => {
    const response = await fetch(`${host.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', bus: 'ok', 'service:test-notes': 'ok' },
    });
  });

  it('calls peers in-process, within the caller’s trace', async () => {
    const response = await fetch(`${host.url}/notes/via-peer`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 200,
      peer: { greeting: 'bonjour', at: fixedNow.toISOString() },
    });
    const completed = logs.lines().filter((line) => line.msg === 'request completed');
    const outer = completed.findLast((line) => line.route === '/notes/via-peer');
    const inner = completed.findLast((line) => line.route === '/notes/greeting');
    expect(outer?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(inner?.traceId).toBe(outer?.traceId);
  });

  it('serves /metrics with the service’s routes', async () => {
    const text = await (await fetch(`${host.url}/metrics`)).text();
    expect(text).toContain('route="/notes/:id",status_code="404"');
  });
});

describe('startHost failures', () => {
  it('throws one ConfigError naming host and service problems before opening anything', async () => {
    const logs = logSink();
    const error = await startHost({
      services: [notesService],
      env: { PORT: 'x', DATABASE_POOL_SIZE: '-3' },
      logDestination: logs.destination,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((problem) => problem.variable).sort()).toEqual([
      'DATABASE_POOL_SIZE',
      'NOTES_REQUIRED_FLAG',
      'PORT',
    ]);
    expect(logs.raw).toEqual([]);
  });

  it('refuses a service whose routes leave its prefixes, and cleans up', async () => {
    const stray: ServiceDefinition<unknown> = {
      ...notesService,
      name: 'stray',
      prefixes: ['/stray'],
      migrations: [],
      create: async () => ({ routes: async (app) => void app.get('/elsewhere', async () => 'no') }),
    } as ServiceDefinition<unknown>;
    const logs = logSink();
    const error = await startHost({
      services: [stray],
      env: baseEnv,
      logDestination: logs.destination,
    }).catch((caught: unknown) => caught);
    expect(String(error)).toContain(
      "service 'stray' registered route /elsewhere outside its prefixes (/stray)",
    );
    expect(logs.lines().map((line) => line.msg)).toContain('start failed');
  }, 90_000);
});

describe('Host.stop', () => {
  it('stops workers, closes the listener and is idempotent', async () => {
    const logs = logSink();
    const host = await startHost({
      services: [notesService],
      env: baseEnv,
      logDestination: logs.destination,
    });
    const first = host.stop();
    expect(host.stop()).toBe(first);
    await first;
    expect(host.app.server.listening).toBe(false);
    await expect(fetch(`${host.url}/livez`)).rejects.toThrow();
    expect(logs.lines().map((line) => line.msg)).toContain('worker stopped');
  }, 90_000);
});
