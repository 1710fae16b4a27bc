import { afterEach, describe, expect, it } from 'vitest';
import { Problem } from '../src/errors/problem.ts';
import { createHttpApp } from '../src/http/create-http-app.ts';
import { captureLogs } from './support/log-capture.ts';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function testApp(options: { bodyLimitBytes?: number } = {}) {
  const logs = captureLogs();
  const app = createHttpApp({ logger: logs.logger, ...options });
  apps.push(app);
  app.post('/echo', async (request) => ({ received: request.body }));
  app.get('/boom', async () => {
    throw new Error('connection to db-7 failed for patient 555-12-3456');
  });
  app.get('/gone', async () => {
    throw Problem.tooMany('Slow down', { headers: { 'retry-after': '3' } });
  });
  return { app, logs };
}

function expectOutcome(body: string, code: string): { diagnostics: string } {
  const outcome = JSON.parse(body);
  expect(outcome.resourceType).toBe('OperationOutcome');
  expect(outcome.issue).toHaveLength(1);
  expect(outcome.issue[0].severity).toBe('error');
  expect(outcome.issue[0].code).toBe(code);
  return outcome.issue[0];
}

describe('createHttpApp errors', () => {
  it('answers malformed JSON with 400 and no parser text', async () => {
    const { app } = testApp();
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"ssn": "123-45-6789", oops',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('application/fhir+json; charset=utf-8');
    const issue = expectOutcome(response.body, 'invalid');
    expect(issue.diagnostics).toBe('The request body is not valid JSON');
    expect(response.body).not.toContain('6789');
  });

  it('answers an oversized body with 413', async () => {
    const { app } = testApp({ bodyLimitBytes: 64 });
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ note: 'x'.repeat(200) }),
    });
    expect(response.statusCode).toBe(413);
    expectOutcome(response.body, 'too-long');
  });

  it('answers an unknown route with 404 without echoing the URL', async () => {
    const { app } = testApp();
    const response = await app.inject({ method: 'GET', url: '/fhir/R4/Patient/pat-secret-id?name=Smith' });
    expect(response.statusCode).toBe(404);
    const issue = expectOutcome(response.body, 'not-found');
    expect(issue.diagnostics).toBe('No route matches the request');
    expect(response.body).not.toContain('pat-secret-id');
    expect(response.body).not.toContain('Smith');
  });

  it('answers an unknown error with a generic 500 and logs it with its stack', async () => {
    const { app, logs } = testApp();
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    const issue = expectOutcome(response.body, 'exception');
    expect(issue.diagnostics).toBe('An internal error occurred');
    expect(response.body).not.toContain('db-7');
    const failure = logs.lines().find((line) => line.msg === 'request failed');
    expect(failure?.level).toBe('error');
    expect((failure?.err as { stack?: string } | undefined)?.stack).toContain('http-app.test.ts');
  });

  it('renders a thrown Problem with its status and headers', async () => {
    const { app } = testApp();
    const response = await app.inject({ method: 'GET', url: '/gone' });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('3');
    expect(expectOutcome(response.body, 'throttled').diagnostics).toBe('Slow down');
  });

  it('answers an unsupported content type with 415', async () => {
    const { app } = testApp();
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(response.statusCode).toBe(415);
    expectOutcome(response.body, 'not-supported');
  });
});

describe('createHttpApp bodies and ids', () => {
  it('parses application/fhir+json, with parameters, like JSON', async () => {
    const { app } = testApp();
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/fhir+json; fhirVersion=4.0' },
      payload: '{"resourceType":"Patient"}',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ received: { resourceType: 'Patient' } });
  });

  it('rejects prototype poisoning in FHIR JSON', async () => {
    const { app } = testApp();
    const response = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/fhir+json' },
      payload: '{"__proto__":{"admin":true}}',
    });
    expect(response.statusCode).toBe(400);
  });

  it('keeps a well-formed incoming request id and echoes it', async () => {
    const { app } = testApp();
    const response = await app.inject({
      method: 'GET',
      url: '/livez',
      headers: { 'x-request-id': 'abc-123.X_y:z' },
    });
    expect(response.headers['x-request-id']).toBe('abc-123.X_y:z');
  });

  it('replaces a malformed or overlong request id with a fresh one', async () => {
    const { app } = testApp();
    for (const incoming of ['has spaces', 'x'.repeat(129), 'semi;colon', '']) {
      const response = await app.inject({
        method: 'GET',
        url: '/livez',
        headers: { 'x-request-id': incoming },
      });
      const id = String(response.headers['x-request-id']);
      expect(id).not.toBe(incoming);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('echoes the request id on error replies too', async () => {
    const { app } = testApp();
    const response = await app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'req-404' },
    });
    expect(response.headers['x-request-id']).toBe('req-404');
  });
});
