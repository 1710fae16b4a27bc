// The variables every HealthLane process reads, whichever services it hosts.
import { z } from 'zod';
import { env } from './env-types.ts';

export const hostConfig = z.object({
  PORT: env.port().default(8080),
  HOST: env.text().default('0.0.0.0'),
  LOG_LEVEL: env.logLevel().default('info'),
  /** Embedded database folder when DATABASE_URL is unset; 'memory://' keeps it in memory. */
  HEALTHLANE_DATA_DIR: env.text().default('./.healthlane'),
  /** PostgreSQL URL; unset → embedded PGlite in HEALTHLANE_DATA_DIR. */
  DATABASE_URL: env.url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: env.positiveInt().default(10),
  /** NATS URL (nats://host:4222, comma-separated for a cluster); unset → in-process bus. */
  NATS_URL: env.text().optional(),
  NATS_STREAM: env.text().default('HEALTHLANE'),
  NATS_SUBJECT_PREFIX: env.text().default('healthlane'),
  /** Servers each stream message is stored on (a NATS cluster: 3); JetStream allows 1–5. */
  NATS_STREAM_REPLICAS: env
    .positiveInt()
    .refine((replicas) => replicas <= 5, 'must be at most 5 (JetStream keeps 1 to 5 replicas)')
    .default(1),
  /** OTLP/HTTP base URL (…:4318); '/v1/traces' is appended. Unset → spans are not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url(['http:', 'https:']).optional(),
  /** Defaults to 'healthlane' (all-in-one) or the hosted service's name. */
  OTEL_SERVICE_NAME: env.text().optional(),
  SHUTDOWN_TIMEOUT_MS: env.durationMs().default(25_000),
  /** Time between turning unready and closing the listener, so load balancers stop routing here. */
  DRAIN_DELAY_MS: env.durationMs().default(0),
  BODY_LIMIT_BYTES: env.positiveInt().default(8 * 1024 * 1024),
  /** Trust X-Forwarded-* headers (only behind a proxy that sets them). */
  TRUST_PROXY: env.boolean().default(false),
});

export type HostConfig = z.infer<typeof hostConfig>;
