// Test harness: records and monitoring hosted together by the real kit host (in-memory PGlite, the
// in-process bus, in-process peers) on a loopback port, with a clock the test can move forward.
import { type Host, startHost } from '@healthlane/kit';
import { createRecordsService } from '@healthlane/records';
import WebSocket from 'ws';
import { createMonitoringService, type StreamAccessCheck } from '../../src/index.ts';

export interface Platform {
  host: Host;
  url: string;
  /** Moves the platform's clock forward. */
  advance(ms: number): void;
  now(): number;
  json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

export async function startPlatform(
  env: Record<string, string> = {},
  access?: StreamAccessCheck,
): Promise<Platform> {
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset) };
  const host = await startHost({
    services: [createRecordsService(), createMonitoringService(access ? { access } : {})],
    env: {
      HEALTHLANE_DATA_DIR: 'memory://',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DEMO: '0',
      HEALTHLANE_AUTH: 'off',
      MONITORING_TICK: '20ms',
      ...env,
    },
    clock,
  });
  return {
    host,
    url: host.url,
    advance: (ms) => {
      offset += ms;
    },
    now: () => clock.now().getTime(),
    async json(method, path, body) {
      const response = await fetch(`${host.url}${path}`, {
        method,
        headers:
          body === undefined
            ? {}
            : { 'content-type': path.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : {}) as never };
    },
    stop: () => host.stop(),
  };
}

/** A WebSocket client that collects JSON frames and waits for one matching a predicate. */
export interface FrameClient {
  socket: WebSocket;
  frames: Array<Record<string, unknown>>;
  next(
    predicate: (frame: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): void;
}

export async function connect(url: string): Promise<FrameClient> {
  const socket = new WebSocket(url);
  const frames: Array<Record<string, unknown>> = [];
  const waiters: Array<{
    predicate: (f: Record<string, unknown>) => boolean;
    resolve: (f: Record<string, unknown>) => void;
    from: number;
  }> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(frame);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    frames,
    next(predicate, timeoutMs = 10_000) {
      const seen = frames.find(predicate);
      if (seen) {
        frames.splice(frames.indexOf(seen), 1);
        return Promise.resolve(seen);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching frame in time')), timeoutMs);
        waiters.push({
          predicate,
          from: frames.length,
          resolve: (frame) => {
            clearTimeout(timer);
            frames.splice(frames.indexOf(frame), 1);
            resolve(frame);
          },
        });
      });
    },
    close: () => socket.close(),
  };
}

export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function vitalsBatch(
  device: string,
  timeMs: number,
  v: { rr: number; spo2: number; sbp: number; hr: number; temp: number; acvpu?: string; o2?: boolean },
) {
  const time = new Date(timeMs).toISOString();
  return {
    device,
    samples: [
      { code: '9279-1', time, value: v.rr },
      { code: '59408-5', time, value: v.spo2 },
      { code: '8480-6', time, value: v.sbp },
      { code: '8462-4', time, value: Math.round(v.sbp * 0.6) },
      { code: '8867-4', time, value: v.hr },
      { code: '8310-5', time, value: v.temp },
      { code: '1104441000000107', time, value: v.acvpu ?? 'A' },
      { code: v.o2 ? '371825009' : '722742002', time },
    ],
  };
}
