// Test harness: the audit service's real definition (migrations, intake, appender, routes) on a kit
// HTTP app over a given database and bus, plus a producer that records AuditEvents the way every
// service does (through its own audit outbox and the bus).
import { type AuditEvent, type AuditProducer, buildAuditEvent, createAuditProducer } from '@healthlane/audit';
import { type Bus, createInProcessBus } from '@healthlane/bus';
import { type Clock, createHttpApp, type ServiceInstance } from '@healthlane/kit';
import { type Database, migrate } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { type AuditAccessPolicy, createAuditService } from '../../src/index.ts';

export interface AuditApp {
  app: FastifyInstance;
  instance: ServiceInstance;
  bus: Bus;
  metrics: Registry;
  producer: AuditProducer;
  stop(): Promise<void>;
}

export function testClock(): Clock {
  let now = Date.parse('2026-12-01T00:00:00.000Z');
  return { now: () => new Date(now++) };
}

export async function startAuditApp(
  db: Database,
  options: {
    bus?: Bus;
    env?: Record<string, string>;
    accessPolicy?: AuditAccessPolicy;
    startService?: boolean;
  } = {},
): Promise<AuditApp> {
  const definition = createAuditService(
    options.accessPolicy === undefined ? {} : { accessPolicy: options.accessPolicy },
  );
  await migrate(db, 'audit', definition.migrations);
  const bus = options.bus ?? (await createInProcessBus({ db }));
  const logger = pino({ level: 'silent' });
  const metrics = new Registry();
  const instance = await definition.create({
    config: definition.config.parse({ HEALTHLANE_AUTH: 'off', AUDIT_POLL_INTERVAL_MS: '50', ...options.env }),
    logger,
    db,
    bus,
    metrics,
    clock: testClock(),
    peers: {
      request: async () => {
        throw new Error('no peers in audit tests');
      },
    },
  });
  const app = createHttpApp({ logger, bodyLimitBytes: 1024 * 1024 });
  await app.register(async (scope) => instance.routes?.(scope));
  await app.ready();
  if (options.startService !== false) await instance.start?.();
  const producer = createAuditProducer({ db, bus, source: 'test', schema: 'test_audit', pollIntervalMs: 50 });
  await producer.migrate();
  producer.start();
  return {
    app,
    instance,
    bus,
    metrics,
    producer,
    async stop() {
      await producer.stop();
      await app.close();
      await instance.stop?.();
      if (options.bus === undefined) await bus.close();
    },
  };
}

export function sampleEvent(overrides: Partial<Parameters<typeof buildAuditEvent>[0]> = {}): AuditEvent {
  return buildAuditEvent({
    interaction: 'read',
    outcome: '0',
    recorded: new Date('2026-12-01T10:00:00.000Z'),
    observer: 'records',
    resources: ['Observation/o1'],
    patients: ['Patient/p1'],
    ...overrides,
  });
}

export async function chainedCount(db: Database): Promise<number> {
  const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM audit.log');
  return rows[0]!.count;
}

/** Waits until the log holds `count` records. */
export async function waitForChained(db: Database, count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const chained = await chainedCount(db);
    if (chained >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${chained} of ${count} audit records were chained`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
