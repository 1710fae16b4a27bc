// Composes services into one process: validate all configuration, then open tracing, logs,
// metrics, the database and the bus; create each service over them; mount routes, readiness
// checks and workers; listen. `stop()` undoes it in order. Used by `healthlane start` (every
// service) and `healthlane serve <name>` (one).
import { join } from 'node:path';
import { openBus } from '@healthlane/bus';
import { type Database, migrate, openDatabase } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import { type DestinationStream, type Logger, pino } from 'pino';
import { type HostConfig, hostConfig } from '../config/host-config.ts';
import { type ConfigSchemas, loadConfig } from '../config/load-config.ts';
import { type ShutdownStep, shutDownGracefully } from '../health/graceful-shutdown.ts';
import { Health } from '../health/health.ts';
import { createHttpApp } from '../http/create-http-app.ts';
import { createLogger } from '../logging/logger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import type { Clock, PeerTransport, ServiceDefinition, ServiceInstance } from '../service.ts';
import { initTracing } from '../tracing/tracing.ts';
import { mountRoutes } from './mount-routes.ts';
import { createInProcessPeers } from './peers.ts';

/**
 * A service definition whatever its config type: the host only passes the parsed config through,
 * and a definition typed for its own config is assignable to this one.
 */
export type AnyServiceDefinition = ServiceDefinition<unknown>;

export interface HostOptions {
  services: AnyServiceDefinition[];
  env: Record<string, string | undefined>;
  /** Peer transport: 'in-process' = app.inject() on this host's own app; or a transport supplied by the caller (HTTP). */
  peers?: 'in-process' | PeerTransport;
  /**
   * Wraps the peer transport services get, e.g. to authenticate the platform's own calls with a
   * service client's bearer token (the CLI does when HEALTHLANE_AUTH is on). It receives the bare
   * transport, which it may use to reach the token endpoint.
   */
  peerAuth?: (transport: PeerTransport) => PeerTransport;
  /**
   * Subfolder of HEALTHLANE_DATA_DIR for PGlite when DATABASE_URL is unset (default: the data
   * dir itself). Ignored when HEALTHLANE_DATA_DIR is 'memory://' (in-memory PGlite).
   */
  dataSubdir?: string;
  clock?: Clock;
  /** Where log lines go; standard output by default (tests and embedders pass a stream). */
  logDestination?: DestinationStream;
}

export interface Host {
  app: FastifyInstance;
  /** Base URL of the listener, e.g. http://127.0.0.1:8080 (loopback when bound to all interfaces). */
  url: string;
  logger: Logger;
  /** Orderly shutdown: unready, drain delay, close HTTP, stop workers, bus, database, tracing. Idempotent. */
  stop(): Promise<void>;
  /** The validated host configuration (SHUTDOWN_TIMEOUT_MS and friends). */
  config: HostConfig;
}

const systemClock: Clock = { now: () => new Date() };

function configSchemas(services: readonly AnyServiceDefinition[]): ConfigSchemas {
  const schemas: ConfigSchemas = { host: hostConfig };
  for (const service of services) {
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(service.name)) {
      throw new Error(`service name '${service.name}' is not kebab-case`);
    }
    if (`service ${service.name}` in schemas) throw new Error(`service '${service.name}' is listed twice`);
    schemas[`service ${service.name}`] = service.config;
  }
  return schemas;
}

/** Migration namespaces are SQL-identifier-like: 'risk-models' migrates as 'risk_models'. */
export function migrationNamespace(serviceName: string): string {
  return serviceName.replaceAll('-', '_');
}

function listenUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function startHost(options: HostOptions): Promise<Host> {
  // Everything is validated before anything is opened.
  const loaded = loadConfig(configSchemas(options.services), options.env);
  const config = loaded.host as HostConfig;
  const names = options.services.map((service) => service.name);
  const processName = config.OTEL_SERVICE_NAME ?? (names.length === 1 ? names[0]! : 'healthlane');

  const destination = options.logDestination ?? pino.destination({ dest: 1, sync: true });
  const logger = createLogger({ level: config.LOG_LEVEL, service: processName, destination });
  const tracing = initTracing({ serviceName: processName, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const metrics = createMetrics();
  const health = new Health({ logger });
  const app = createHttpApp({
    logger,
    health,
    metrics,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY,
  });

  // What has been opened so far, closed in this order by stop() or by a failed start.
  let db: Database | undefined;
  let bus: Awaited<ReturnType<typeof openBus>> | undefined;
  const started: { name: string; instance: ServiceInstance }[] = [];
  const afterHttp = (): ShutdownStep[] => [
    ...started
      .toReversed()
      .map(({ name, instance }) => ({ name: `service ${name}`, run: async () => instance.stop?.() })),
    { name: 'bus', run: async () => bus?.close() },
    { name: 'database', run: async () => db?.close() },
    { name: 'tracing', run: () => tracing.shutdown() },
  ];
  const shutDown = (drainDelayMs: number) =>
    shutDownGracefully({ health, app, logger, drainDelayMs, steps: afterHttp() });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= shutDown(config.DRAIN_DELAY_MS);
    return stopping;
  };

  try {
    const inMemory = config.HEALTHLANE_DATA_DIR.startsWith('memory://');
    db = await openDatabase({
      url: config.DATABASE_URL,
      dataDir: inMemory
        ? config.HEALTHLANE_DATA_DIR
        : join(config.HEALTHLANE_DATA_DIR, options.dataSubdir ?? ''),
      poolSize: config.DATABASE_POOL_SIZE,
      applicationName: processName,
    });
    const database = db;
    bus = await openBus({
      natsUrl: config.NATS_URL,
      db: database,
      stream: config.NATS_STREAM,
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      streamReplicas: config.NATS_STREAM_REPLICAS,
      logger: logger.child({ component: 'bus' }),
    });
    const eventBus = bus;
    health.addCheck('database', () => database.ping());
    health.addCheck('bus', () => eventBus.ping());

    let routesMounted = false;
    const barePeers =
      options.peers === undefined || options.peers === 'in-process'
        ? createInProcessPeers(app, () => routesMounted)
        : options.peers;
    const peers = options.peerAuth ? options.peerAuth(barePeers) : barePeers;
    const created: { definition: AnyServiceDefinition; instance: ServiceInstance }[] = [];
    for (const definition of options.services) {
      await migrate(database, migrationNamespace(definition.name), definition.migrations);
      const instance = await definition.create({
        config: loaded[`service ${definition.name}`],
        logger: createLogger({ level: config.LOG_LEVEL, service: definition.name, destination }),
        db: database,
        bus: eventBus,
        metrics: metrics.registry,
        clock: options.clock ?? systemClock,
        peers,
      });
      created.push({ definition, instance });
    }
    for (const { instance } of created) await instance.edge?.(app);
    for (const { definition, instance } of created) {
      await mountRoutes(app, definition, instance);
      const ready = instance.ready;
      if (ready !== undefined) health.addCheck(`service:${definition.name}`, () => ready());
    }
    await app.ready();
    routesMounted = true;
    for (const { definition, instance } of created) {
      await instance.start?.();
      started.push({ name: definition.name, instance });
    }

    await app.listen({ host: config.HOST, port: config.PORT });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.PORT;
    logger.info(
      {
        host: config.HOST,
        port,
        services: names,
        mode: {
          database: config.DATABASE_URL ? 'postgres' : inMemory ? 'pglite-memory' : 'pglite',
          bus: eventBus.kind,
          peers: typeof options.peers === 'object' ? 'custom' : 'in-process',
          traceExport: tracing.exporting,
        },
      },
      'listening',
    );
    return { app, url: listenUrl(config.HOST, port), logger, stop, config };
  } catch (error) {
    logger.error({ err: error }, 'start failed');
    // Already logged step by step; the start failure is what the caller needs to see.
    await shutDown(0).catch(() => {});
    throw error;
  }
}
