import { describe, expect, it } from 'vitest';
import { Health } from '../src/health/health.ts';
import { createHttpApp } from '../src/http/create-http-app.ts';
import { createMetrics } from '../src/metrics/metrics.ts';
import { captureLogs } from './support/log-capture.ts';

describe('GET /metrics', () => {
  it('exposes the request histogram by method, route template and status', async () => {
    const metrics = createMetrics();
    const app = createHttpApp({ logger: captureLogs().logger, metrics });
    app.get('/fhir/R4/:type/:id', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/fhir/R4/Patient/p-1' });
    await app.inject({ method: 'GET', url: '/fhir/R4/Patient/p-2' });
    await app.inject({ method: 'GET', url: '/random/p-3' });
    await app.inject({ method: 'PROPFIND' as 'GET', url: '/fhir/R4/Patient/p-4' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    await app.close();

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(text).toContain('# TYPE http_server_request_duration_seconds histogram');
    expect(text).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="/fhir/R4/:type/:id",status_code="200"} 2',
    );
    expect(text).toContain(
      'http_server_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 1',
    );
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="OTHER",route="unmatched",status_code="404"\} 1/,
    );
    expect(text).toContain('le="0.001"');
    expect(text).toContain('le="10"');
    expect(text).toContain('process_cpu_user_seconds_total');
    for (const id of ['p-1', 'p-2', 'p-3', 'p-4']) expect(text).not.toContain(id);
  });
});

describe('Health and GET /readyz', () => {
  it('is ready when every check passes and lists checks by name only', async () => {
    const health = new Health();
    health.addCheck('database', async () => {});
    health.addCheck('bus', async () => {});
    const app = createHttpApp({ logger: captureLogs().logger, health });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { database: 'ok', bus: 'ok' } });
    expect((await app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    await app.close();
  });

  it('is 503 with the failed check named, without its error text', async () => {
    const logs = captureLogs();
    const health = new Health({ logger: logs.logger, checkTimeoutMs: 50 });
    health.addCheck('database', async () => {
      throw new Error('password authentication failed for user "clinician"');
    });
    health.addCheck('slow', () => new Promise(() => {}));
    health.addCheck('bus', async () => {});
    const app = createHttpApp({ logger: logs.logger, health });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    await app.inject({ method: 'GET', url: '/readyz' });
    await app.close();
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      status: 'not-ready',
      checks: { database: 'failed', slow: 'failed', bus: 'ok' },
    });
    expect(response.body).not.toContain('clinician');
    // Logged once per change of state, not on every probe.
    const failures = logs.lines().filter((line) => line.msg === 'readiness check failed');
    expect(failures.map((line) => line.check).sort()).toEqual(['database', 'slow']);
  });

  it('is 503 once draining, and liveness stays 200', async () => {
    const health = new Health();
    health.addCheck('database', async () => {});
    const app = createHttpApp({ logger: captureLogs().logger, health });
    health.setDraining();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().status).toBe('draining');
    expect((await app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
    await app.close();
  });

  it('refuses two checks with one name', () => {
    const health = new Health();
    health.addCheck('database', async () => {});
    expect(() => health.addCheck('database', async () => {})).toThrow(/already registered/);
  });
});
