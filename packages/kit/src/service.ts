// The contract between a service and whatever hosts it (all-in-one `start`, one-service `serve`,
// or a `cluster` child). A service is written once against these ports; only the wiring differs.
import type { Bus } from '@healthlane/bus';
import type { PeerTransport } from '@healthlane/client';
import type { Database, Migration } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { z } from 'zod';

/** Time is injected so that behaviour that depends on it is testable exactly. */
export interface Clock {
  now(): Date;
}

/**
 * How one service calls another (PeerTransport, declared by @healthlane/client): in the all-in-one
 * process an in-process call into the same HTTP app (no socket); distributed, HTTP to the peer's
 * address. Callers cannot tell.
 */
export type { PeerRequest, PeerResponse, PeerTransport } from '@healthlane/client';

export interface ServiceContext<Config> {
  /** This service's validated configuration. */
  config: Config;
  /** Logger bound to the service name; never log identifiers or clinical values. */
  logger: Logger;
  /** The database. Each service keeps its tables in a PostgreSQL schema named after itself. */
  db: Database;
  bus: Bus;
  /** The process's metrics registry; register domain metrics here. */
  metrics: Registry;
  clock: Clock;
  /** Transport to the platform's other services (through the gateway's routing table). */
  peers: PeerTransport;
}

export interface ServiceInstance {
  /**
   * Adds hooks that must cover every route of the hosting process — the kit's probes, its 404
   * reply and every other hosted service (the gateway's security headers, CORS, authentication).
   * Called on the host's root app before any service's routes are mounted.
   */
  edge?: (app: FastifyInstance) => Promise<void> | void;
  /** Adds the service's routes to the host's HTTP app; they live under the definition's prefixes. */
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Starts background work (relays, consumers, timers); called after migrations, before listen. */
  start?: () => Promise<void>;
  /** Stops background work; called after the HTTP server has drained in-flight requests. */
  stop?: () => Promise<void>;
  /** Extra readiness check beyond the database and bus, which the host checks itself. */
  ready?: () => Promise<void>;
}

export interface ServiceDefinition<Config = unknown> {
  /** kebab-case service name: 'gateway', 'records', 'monitoring', ... */
  name: string;
  /** One line for `healthlane --help` and the docs. */
  description: string;
  /** URL path prefixes the service answers; the gateway routes them to it when distributed. */
  prefixes: string[];
  /** Schema over the environment variables the service reads (names in SCREAMING_SNAKE_CASE). */
  config: z.ZodType<Config>;
  /** Schema migrations, run at start under the namespace `name` (safe with concurrent replicas). */
  migrations: Migration[];
  create(context: ServiceContext<Config>): Promise<ServiceInstance>;
}
