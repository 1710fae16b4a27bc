// Graceful shutdown, proven on real processes: signals, draining, in-flight requests, deadlines.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { type Fixture, listeningPort, startFixture } from './support/child-process.ts';

const running: Fixture[] = [];
afterEach(() => {
  for (const fixture of running.splice(0)) if (fixture.child.exitCode === null) fixture.child.kill('SIGKILL');
});

function start(name: string, env: Record<string, string>): Fixture {
  const fixture = startFixture(name, env);
  running.push(fixture);
  return fixture;
}

describe('graceful shutdown of a kit process', () => {
  it('drains: readiness turns 503, the in-flight request completes, the process exits 0', async () => {
    const fixture = start('slow-server.ts', {
      DRAIN_DELAY_MS: '700',
      SHUTDOWN_TIMEOUT_MS: '10000',
      SLOW_MS: '1500',
    });
    const port = await listeningPort(fixture);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const slow = fetch(`${base}/slow`);
    await fixture.waitForLine((line) => line.msg === 'slow request started');
    fixture.child.kill('SIGTERM');
    await fixture.waitForLine((line) => typeof line.msg === 'string' && line.msg.startsWith('draining'));
    const readyDuringDrain = await fetch(`${base}/readyz`);
    expect(readyDuringDrain.status).toBe(503);
    expect(await readyDuringDrain.json()).toEqual({ status: 'draining', checks: {} });
    fixture.child.kill('SIGTERM'); // a second signal starts no second shutdown

    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ done: true });
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    const messages = fixture.lines.map((line) => line.msg);
    expect(messages.filter((message) => message === 'shutdown started')).toHaveLength(1);
    expect(messages).toContain('shutdown already in progress');
    expect(messages).toContain('shutdown complete');
  });

  it('exits promptly with no request in flight, keep-alive connections notwithstanding', async () => {
    const fixture = start('slow-server.ts', { SHUTDOWN_TIMEOUT_MS: '10000' });
    const port = await listeningPort(fixture);
    // fetch keeps its connection alive afterwards; it must not hold the process open.
    expect((await fetch(`http://127.0.0.1:${port}/livez`)).status).toBe(200);
    const signalledAt = performance.now();
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(performance.now() - signalledAt).toBeLessThan(5000);
  });

  it('exits 1 when a request outlives SHUTDOWN_TIMEOUT_MS', async () => {
    const fixture = start('slow-server.ts', { SHUTDOWN_TIMEOUT_MS: '300', SLOW_MS: '5000' });
    const port = await listeningPort(fixture);
    const slow = fetch(`http://127.0.0.1:${port}/slow`).catch((error: unknown) => error);
    await fixture.waitForLine((line) => line.msg === 'slow request started');
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(fixture.lines.find((line) => line.level === 'error')?.msg).toMatch(/shutdown timed out/);
    await slow;
  });
});

describe('runHost', () => {
  // Starting embedded PostgreSQL (PGlite) in a fresh process takes several seconds.
  it('exits 2 naming every bad variable on stderr, before opening anything', {
    timeout: 90_000,
  }, async () => {
    const fixture = start('host-main.ts', {
      PORT: 'eighty',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://root:topsecret@db/x',
      NOTES_SLOW_MS: '-1',
    });
    expect(await fixture.exited).toEqual({ code: 2, signal: null });
    const stderr = fixture.stderr();
    for (const variable of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'NOTES_SLOW_MS', 'NOTES_REQUIRED_FLAG']) {
      expect(stderr).toContain(`${variable}:`);
    }
    expect(stderr).toContain('NOTES_REQUIRED_FLAG: required but not set');
    expect(stderr).not.toContain('topsecret');
    expect(fixture.lines).toEqual([]);
  });

  it('serves, then on SIGTERM stops workers, bus and database and exits 0', { timeout: 90_000 }, async () => {
    const fixture = start('host-main.ts', {
      HEALTHLANE_DATA_DIR: 'memory://',
      NOTES_REQUIRED_FLAG: 'true',
      NOTES_SLOW_MS: '800',
      DRAIN_DELAY_MS: '200',
    });
    const port = await listeningPort(fixture);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const slow = fetch(`${base}/notes/slow`);
    await fixture.waitForLine((line) => line.msg === 'slow request started');
    fixture.child.kill('SIGTERM');
    expect((await slow).status).toBe(200);
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    const messages = fixture.lines.map((line) => line.msg);
    expect(messages.indexOf('worker stopped')).toBeGreaterThan(messages.indexOf('shutdown started'));
    expect(messages).toContain('shutdown complete');
    await sleep(0);
  });
});
