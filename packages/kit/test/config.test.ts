import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { env } from '../src/config/env-types.ts';
import { hostConfig } from '../src/config/host-config.ts';
import { ConfigError, loadConfig, redactUrlCredentials } from '../src/config/load-config.ts';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const recordsConfig = z.object({
  RECORDS_PAGE_SIZE: env.positiveInt().default(50),
  RECORDS_SIGNING_KEY: env.text(),
  RECORDS_STRICT: env.boolean().default(true),
});

describe('loadConfig', () => {
  it('applies the host defaults to an empty environment', () => {
    const { host } = loadConfig({ host: hostConfig }, {});
    expect(host).toEqual({
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      HEALTHLANE_DATA_DIR: './.healthlane',
      DATABASE_POOL_SIZE: 10,
      NATS_STREAM: 'HEALTHLANE',
      NATS_SUBJECT_PREFIX: 'healthlane',
      NATS_STREAM_REPLICAS: 1,
      SHUTDOWN_TIMEOUT_MS: 25_000,
      DRAIN_DELAY_MS: 0,
      BODY_LIMIT_BYTES: 8 * 1024 * 1024,
      TRUST_PROXY: false,
    });
  });

  it('parses every supported shape', () => {
    const { host, records } = loadConfig(
      { host: hostConfig, records: recordsConfig },
      {
        PORT: '0',
        LOG_LEVEL: 'debug',
        DATABASE_URL: 'postgres://app:pw@db:5432/healthlane',
        DRAIN_DELAY_MS: '5s',
        SHUTDOWN_TIMEOUT_MS: '1m',
        TRUST_PROXY: 'TRUE',
        RECORDS_SIGNING_KEY: 'k',
        RECORDS_STRICT: '0',
        UNRELATED: 'ignored',
      },
    );
    expect(host.PORT).toBe(0);
    expect(host.LOG_LEVEL).toBe('debug');
    expect(host.DATABASE_URL).toBe('postgres://app:pw@db:5432/healthlane');
    expect(host.DRAIN_DELAY_MS).toBe(5000);
    expect(host.SHUTDOWN_TIMEOUT_MS).toBe(60_000);
    expect(host.TRUST_PROXY).toBe(true);
    expect(records).toEqual({ RECORDS_PAGE_SIZE: 50, RECORDS_SIGNING_KEY: 'k', RECORDS_STRICT: false });
  });

  it('takes NATS_STREAM_REPLICAS from 1 to 5, the replica counts JetStream allows', () => {
    expect(loadConfig({ host: hostConfig }, { NATS_STREAM_REPLICAS: '3' }).host.NATS_STREAM_REPLICAS).toBe(3);
    for (const bad of ['0', '6', 'three']) {
      const error = configError(() => loadConfig({ host: hostConfig }, { NATS_STREAM_REPLICAS: bad }));
      expect(error.problems.map((problem) => problem.variable)).toEqual(['NATS_STREAM_REPLICAS']);
    }
  });

  it('treats empty variables as unset', () => {
    const { host } = loadConfig({ host: hostConfig }, { PORT: '', DATABASE_URL: '  ' });
    expect(host.PORT).toBe(8080);
    expect(host.DATABASE_URL).toBeUndefined();
  });

  it('reports every bad and missing variable across all schemas in one error', () => {
    const error = configError(() =>
      loadConfig(
        { host: hostConfig, records: recordsConfig },
        {
          PORT: '70000',
          LOG_LEVEL: 'verbose',
          DATABASE_POOL_SIZE: '0',
          DRAIN_DELAY_MS: 'soon',
          TRUST_PROXY: 'maybe',
          RECORDS_PAGE_SIZE: 'many',
        },
      ),
    );
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual(
      [
        'DATABASE_POOL_SIZE',
        'DRAIN_DELAY_MS',
        'LOG_LEVEL',
        'PORT',
        'RECORDS_PAGE_SIZE',
        'RECORDS_SIGNING_KEY',
        'TRUST_PROXY',
      ].sort(),
    );
    expect(error.message).toContain('Invalid configuration (7 problems)');
    expect(error.message).toContain('PORT: must be a port number between 0 and 65535 (got "70000")');
    expect(error.message).toContain(
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    );
    expect(error.message).toContain('RECORDS_SIGNING_KEY: required but not set');
    expect(error.message).toContain('TRUST_PROXY: must be one of 1, 0, true, false (got "maybe")');
  });

  it('never echoes secrets or URL credentials', () => {
    const secretSchema = z.object({
      API_TOKEN: env.positiveInt(),
      // A careless custom message that quotes the value.
      CLIENT_SECRET: z.string().superRefine((value, context) => {
        if (value.length < 40) context.addIssue({ code: 'custom', message: `too short: ${value}` });
      }),
    });
    const error = configError(() =>
      loadConfig(
        { host: hostConfig, custom: secretSchema },
        {
          DATABASE_URL: 'mysql://admin:hunter2-pass@db/healthlane',
          OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:otel-pass@collector',
          API_TOKEN: 'tok-abc-123',
          CLIENT_SECRET: 'shh-very-secret',
        },
      ),
    );
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual(
      ['API_TOKEN', 'CLIENT_SECRET', 'DATABASE_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT'].sort(),
    );
    for (const secret of ['hunter2-pass', 'otel-pass', 'admin', 'tok-abc-123', 'shh-very-secret']) {
      expect(error.message).not.toContain(secret);
    }
    expect(error.message).toContain(
      'DATABASE_URL: must be a URL with scheme postgres: or postgresql: (got "mysql://***@db/healthlane")',
    );
  });

  it('deduplicates a problem two schemas share', () => {
    const error = configError(() =>
      loadConfig({ host: hostConfig, other: z.object({ PORT: env.port() }) }, { PORT: 'x' }),
    );
    expect(error.problems).toHaveLength(1);
  });
});

describe('redactUrlCredentials', () => {
  it('removes userinfo from every URL in a text', () => {
    expect(redactUrlCredentials('nats://a:b@n1:4222,nats://c@n2:4222')).toBe(
      'nats://***@n1:4222,nats://***@n2:4222',
    );
    expect(redactUrlCredentials('http://collector:4318')).toBe('http://collector:4318');
  });
});
