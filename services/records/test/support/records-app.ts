// Test harness: the records service's real definition (migrations, outbox, routes) on a kit HTTP
// app over a given database and an in-process bus, with an exact clock and sequential ids.
import { type Bus, createInProcessBus } from '@healthlane/bus';
import { type Clock, createHttpApp } from '@healthlane/kit';
import { type Database, migrate } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { type Authorize, createRecordsService } from '../../src/index.ts';

export interface RecordsApp {
  app: FastifyInstance;
  bus: Bus;
  metrics: Registry;
  /** Advances the test clock. */
  advance(ms: number): void;
  stop(): Promise<void>;
}

/** Starts at 2026-01-01T00:00:00Z and ticks one millisecond per reading, so versions are ordered. */
export function testClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2026-01-01T00:00:00.000Z');
  return {
    now: () => new Date(now++),
    advance: (ms) => {
      now += ms;
    },
  };
}

export async function startRecordsApp(
  db: Database,
  env: Record<string, string> = {},
  options: { bus?: Bus; authorize?: Authorize } = {},
): Promise<RecordsApp> {
  let next = 0;
  const definition = createRecordsService({
    newId: () => `id-${++next}`,
    ...(options.authorize === undefined ? {} : { authorize: options.authorize }),
  });
  await migrate(db, 'records', definition.migrations);
  const bus = options.bus ?? (await createInProcessBus({ db }));
  const logger = pino({ level: 'silent' });
  const metrics = new Registry();
  const clock = testClock();
  const instance = await definition.create({
    // Records alone, without identity: the open test mode is an explicit opt-in (HEALTHLANE_AUTH=off).
    config: definition.config.parse({ HEALTHLANE_DEMO: '0', HEALTHLANE_AUTH: 'off', ...env }),
    logger,
    db,
    bus,
    metrics,
    clock,
    peers: {
      request: async () => {
        throw new Error('no peers in records tests');
      },
    },
  });
  const app = createHttpApp({ logger, bodyLimitBytes: 1024 * 1024 });
  await app.register(async (scope) => instance.routes?.(scope));
  await app.ready();
  await instance.start?.();
  return {
    app,
    bus,
    metrics,
    advance: clock.advance,
    async stop() {
      await app.close();
      await instance.stop?.();
      if (options.bus === undefined) await bus.close();
    },
  };
}

export const fhirJsonType = 'application/fhir+json';

/** JSON body of an inject response. */
export function body<T = Record<string, unknown>>(response: { body: string }): T {
  return JSON.parse(response.body) as T;
}

export async function countRows(db: Database, table: string): Promise<number> {
  const { rows } = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM records.${table}`);
  return rows[0]!.count;
}
