// What the bus writes to the log: subjects, ids and groups for each failure, never a payload; and
// openBus choosing the in-process adapter when no NATS URL is configured.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BusLogger, openBus } from '../src/index.ts';
import { waitFor } from './contract/waiting.ts';

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestPgliteDatabase();
});
afterAll(() => test.drop());

it('logs handler failures with subject, id and group, but not the payload or headers', async () => {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const record =
    (level: string) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push({ level, fields, message });
    };
  const logger: BusLogger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
  const bus = await openBus({ db: test.db, logger });
  expect(bus.kind).toBe('in-process');
  try {
    await bus.subscribe({
      subject: 'chart.>',
      group: 'charting',
      maxDeliver: 2,
      retryBackoffMs: 10,
      handler: async () => {
        throw new TypeError('cannot chart');
      },
    });
    const secret = 'Jane Q. Patient, MRN 123-45-678';
    await bus.publish('chart.vitals', { name: secret }, { id: 'msg-1', headers: { 'x-note': secret } });
    await bus.publish('chart.vitals', { name: secret }, { id: 'msg-1' });
    await waitFor(() => lines.some((line) => line.level === 'error'));
    expect(JSON.stringify(lines)).not.toContain('Jane');
    expect(JSON.stringify(lines)).not.toContain('123-45-678');
    const levels = lines.filter((l) => l.level !== 'debug').map((l) => [l.level, l.message]);
    expect(levels).toEqual([
      ['warn', 'bus handler failed; message will be retried'],
      ['error', 'bus handler failed; message given up'],
    ]);
    expect(lines.find((l) => l.level === 'error')?.fields).toEqual({
      subject: 'chart.vitals',
      messageId: 'msg-1',
      group: 'charting',
      deliveryCount: 2,
      error: { name: 'TypeError', message: 'cannot chart' },
    });
    expect(lines.find((l) => l.message === 'bus publish de-duplicated')?.fields).toEqual({
      subject: 'chart.vitals',
      messageId: 'msg-1',
    });
  } finally {
    await bus.close();
  }
});
