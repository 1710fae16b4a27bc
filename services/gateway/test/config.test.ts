// The gateway's configuration through the kit's loader: defaults, parsing, every problem at once.
import { ConfigError, loadConfig } from '@healthlane/kit';
import { describe, expect, it } from 'vitest';
import { gatewayConfigSchema } from '../src/config.ts';

describe('gateway config', () => {
  it('defaults to no routes, no CORS origins, no HSTS', () => {
    expect(loadConfig({ gateway: gatewayConfigSchema }, {}).gateway).toEqual({
      routes: [],
      corsOrigins: [],
      hsts: false,
      upstreamTimeoutMs: 30_000,
      idempotentRetryMs: 5_000,
      access: {
        auth: true,
        publicUrl: 'http://localhost:8080',
        issuer: 'http://localhost:8080/auth',
        fhirBaseUrl: 'http://localhost:8080/fhir/R4',
      },
      rateLimitPerSecond: 500,
    });
  });

  it('parses every variable', () => {
    const { gateway } = loadConfig(
      { gateway: gatewayConfigSchema },
      {
        GATEWAY_ROUTES: '/fhir=http://127.0.0.1:8101',
        GATEWAY_CORS_ORIGINS: 'https://console.example.org, http://localhost:5173',
        GATEWAY_HSTS: 'true',
        GATEWAY_UPSTREAM_TIMEOUT_MS: '5s',
      },
    );
    expect(gateway).toEqual({
      routes: [{ prefix: '/fhir', upstream: 'http://127.0.0.1:8101' }],
      corsOrigins: ['https://console.example.org', 'http://localhost:5173'],
      hsts: true,
      upstreamTimeoutMs: 5000,
      idempotentRetryMs: 5_000,
      access: expect.objectContaining({ auth: true }),
      rateLimitPerSecond: 500,
    });
  });

  it('names every bad variable in one error', () => {
    const error = (() => {
      try {
        loadConfig(
          { gateway: gatewayConfigSchema },
          {
            GATEWAY_ROUTES: 'fhir',
            GATEWAY_CORS_ORIGINS: '*',
            GATEWAY_HSTS: 'maybe',
            GATEWAY_UPSTREAM_TIMEOUT_MS: 'soon',
          },
        );
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const variables = (error as ConfigError).problems.map((problem) => problem.variable);
    expect(variables).toEqual([
      'GATEWAY_ROUTES',
      'GATEWAY_CORS_ORIGINS',
      'GATEWAY_HSTS',
      'GATEWAY_UPSTREAM_TIMEOUT_MS',
    ]);
  });
});
