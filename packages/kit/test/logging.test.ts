import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../src/http/create-http-app.ts';
import { isSensitiveKey, scrub } from '../src/logging/redaction.ts';
import { initTracing, type Tracing } from '../src/tracing/tracing.ts';
import { captureLogs } from './support/log-capture.ts';

// Values that must never appear in any log line, whatever path they took into the process.
const identifiers = {
  patientId: 'pat-8f3a91',
  searchName: 'Throckmorton',
  ssn: '987-65-4320',
  token: 'eyJhbGciOiJFUzI1NiJ9.secret-token-body',
  cookie: 'session=cookie-value-77',
  birthDate: '1961-04-09',
  phone: '+1-555-0142',
  heartRate: '187.5',
};

let tracing: Tracing;
beforeAll(() => {
  tracing = initTracing({ serviceName: 'log-test' });
});
afterAll(() => tracing.shutdown());

function assertNoIdentifiers(raw: string[]): void {
  const all = raw.join('\n');
  for (const [what, value] of Object.entries(identifiers)) {
    expect(all, `${what} leaked into the logs`).not.toContain(value);
  }
}

describe('logs', () => {
  it('carry no identifiers from path, query, headers or body on any request path', async () => {
    const logs = captureLogs('trace');
    const app = createHttpApp({ logger: logs.logger });
    app.post('/fhir/R4/:type/:id', async (request) => {
      // A handler that carelessly logs what it received: redaction is the second line of defence.
      request.log.info({ headers: request.headers, query: request.query, body: request.body }, 'careless');
      request.log.info({ patient: request.body, params: request.params }, 'careless again');
      request.log.child({ authorization: request.headers.authorization }).warn('careless child');
      throw new Error('handler failed');
    });
    app.get('/fhir/R4/:type', async () => ({ ok: true }));

    const headers = {
      authorization: `Bearer ${identifiers.token}`,
      cookie: identifiers.cookie,
      'x-patient-ssn': identifiers.ssn,
      'content-type': 'application/fhir+json',
    };
    const body = JSON.stringify({
      resourceType: 'Patient',
      identifier: [{ value: identifiers.ssn }],
      name: [{ family: identifiers.searchName }],
      birthDate: identifiers.birthDate,
      telecom: [{ value: identifiers.phone }],
      extension: [{ valueQuantity: { value: Number(identifiers.heartRate) } }],
    });
    const failed = await app.inject({
      method: 'POST',
      url: `/fhir/R4/Patient/${identifiers.patientId}?name=${identifiers.searchName}&_token=${identifiers.token}`,
      headers,
      payload: body,
    });
    expect(failed.statusCode).toBe(500);
    const searched = await app.inject({
      method: 'GET',
      url: `/fhir/R4/Patient?name=${identifiers.searchName}&birthdate=${identifiers.birthDate}`,
      headers,
    });
    expect(searched.statusCode).toBe(200);
    const missing = await app.inject({ method: 'GET', url: `/nothing/${identifiers.patientId}`, headers });
    expect(missing.statusCode).toBe(404);
    const malformed = await app.inject({
      method: 'POST',
      url: `/fhir/R4/Patient/${identifiers.patientId}`,
      headers,
      payload: `{"ssn":"${identifiers.ssn}"`,
    });
    expect(malformed.statusCode).toBe(400);
    await app.close();

    const lines = logs.lines(); // every line is JSON
    expect(lines.length).toBeGreaterThanOrEqual(8);
    const requestLines = lines.filter((line) => line.reqId !== undefined);
    expect(requestLines.length).toBe(lines.length);
    for (const line of requestLines) {
      expect(line.service).toBe('test');
      expect(typeof line.time).toBe('string');
      expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(line.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => [line.method, line.route, line.statusCode])).toEqual([
      ['POST', '/fhir/R4/:type/:id', 500],
      ['GET', '/fhir/R4/:type', 200],
      ['GET', 'unmatched', 404],
      ['POST', '/fhir/R4/:type/:id', 400],
    ]);
    for (const line of completed) {
      expect(line.level).toBe('info');
      expect(typeof line.durationMs).toBe('number');
    }
    const careless = lines.find((line) => line.msg === 'careless');
    expect(careless?.headers).toBe('[redacted]');
    expect(lines.find((line) => line.msg === 'request failed')?.level).toBe('error');
    assertNoIdentifiers(logs.raw);
  });

  it('redacts sensitive keys at any depth outside requests too', () => {
    const logs = captureLogs();
    logs.logger.info(
      {
        event: { resource: { birthDate: identifiers.birthDate, address: [{ line: ['1 Main St'] }] } },
        readings: [{ valueQuantity: { value: identifiers.heartRate } }],
        password: identifiers.token,
        count: 3,
      },
      'domain event',
    );
    logs.logger.child({ cookie: identifiers.cookie }).info('child binding');
    const [first, second] = logs.lines();
    expect(first?.count).toBe(3);
    expect(first?.event).toEqual({ resource: { birthDate: '[redacted]', address: '[redacted]' } });
    expect(second?.cookie).toBe('[redacted]');
    assertNoIdentifiers(logs.raw);
    expect(logs.raw.join()).not.toContain('Main St');
  });

  it('keeps the name of an error described as a plain object, not a person’s name inside it', () => {
    const logs = captureLogs();
    logs.logger.warn({ error: { name: 'TimeoutError', message: 'publish timed out' } }, 'bus');
    logs.logger.warn({ error: { patient: { name: identifiers.searchName } } }, 'careless');
    const [first, second] = logs.lines();
    expect(first?.error).toEqual({ name: 'TimeoutError', message: 'publish timed out' });
    expect(second?.error).toEqual({ patient: { name: '[redacted]' } });
    assertNoIdentifiers(logs.raw);
  });

  it('reduces errors to type, code, message and stack', () => {
    const logs = captureLogs();
    const error = Object.assign(new Error('insert failed'), {
      code: '23505',
      detail: `Key (ssn)=(${identifiers.ssn}) already exists.`,
      parameters: [identifiers.ssn],
    });
    logs.logger.error({ err: error }, 'store error');
    const [line] = logs.lines();
    expect(line?.err).toMatchObject({ type: 'Error', code: '23505', message: 'insert failed' });
    expect(Object.keys(line?.err as object).sort()).toEqual(['code', 'message', 'stack', 'type']);
    assertNoIdentifiers(logs.raw);
  });

  it('recognizes sensitive keys case- and separator-insensitively', () => {
    for (const key of [
      'Authorization',
      'set-cookie',
      'CLIENT_SECRET',
      'birthDate',
      'valueString',
      'Telecom',
    ]) {
      expect(isSensitiveKey(key), key).toBe(true);
    }
    for (const key of ['status', 'route', 'reqId', 'traceId', 'durationMs', 'resourceType']) {
      expect(isSensitiveKey(key), key).toBe(false);
    }
    const untouched = { status: 'ok' };
    expect(scrub(untouched)).toBe(untouched);
  });
});
