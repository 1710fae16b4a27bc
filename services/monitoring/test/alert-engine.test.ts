// The alert engine on PGlite: every change is persisted with its outbox event, in order, also when
// a mass event raises hundreds at once (grouped into few transactions); open alerts survive a restart.
import { createInProcessBus, createOutbox } from '@healthlane/bus';
import { migrate } from '@healthlane/store';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertEngine, type AlertEngineOptions, createAlertEngine } from '../src/alerts/alert-engine.ts';
import { createLiveHub } from '../src/live/live-hub.ts';
import { monitoringMigrations } from '../src/store/schema.ts';

let test: TestDatabase;
let now = Date.parse('2026-12-01T10:00:00Z');
let ids = 0;

async function engine(
  extra: Partial<Pick<AlertEngineOptions, 'hub' | 'onDelivered'>> = {},
): Promise<AlertEngine> {
  const bus = await createInProcessBus({ db: test.db });
  const outbox = createOutbox({ db: test.db, bus, schema: 'monitoring' });
  await outbox.migrate();
  const alerts = createAlertEngine({
    db: test.db,
    outbox,
    clock: { now: () => new Date(now) },
    policy: {
      escalation: [
        { role: 'nurse', afterMs: 60_000 },
        { role: 'charge-nurse', afterMs: 0 },
      ],
      clearAfterMs: 10_000,
      suppressAfterResolveMs: 60_000,
    },
    hub: extra.hub ?? createLiveHub({ maxBufferedBytes: 1 << 20 }),
    wardOf: () => undefined,
    newId: () => `alert-${++ids}`,
    logger: pino({ level: 'silent' }),
    ...(extra.onDelivered ? { onDelivered: extra.onDelivered } : {}),
  });
  await alerts.load();
  return alerts;
}

beforeAll(async () => {
  test = await createTestPgliteDatabase();
  await migrate(test.db, 'monitoring', monitoringMigrations);
});
afterAll(() => test.drop());

async function count(sql: string): Promise<number> {
  const { rows } = await test.db.query<{ n: number }>(sql);
  return rows[0]?.n ?? -1;
}

describe('alert engine persistence', () => {
  it('persists a mass event of 1,200 raised alerts, each with its monitoring.alert.raised event', async () => {
    const alerts = await engine();
    for (let i = 0; i < 1_200; i += 1) alerts.evaluate(`p${i}`, 'silent:d', 'warning', { device: `d${i}` });
    await alerts.settled();
    expect(await count("SELECT count(*)::int AS n FROM monitoring.alert WHERE status = 'raised'")).toBe(
      1_200,
    );
    expect(
      await count(
        "SELECT count(*)::int AS n FROM monitoring.outbox WHERE subject = 'monitoring.alert.raised'",
      ),
    ).toBe(1_200);
  });

  it('persists escalation, acknowledgement and resolution in order, and reloads open alerts', async () => {
    const alerts = await engine();
    alerts.evaluate('q1', 'news2', 'urgent', { total: 5 });
    now += 60_000;
    alerts.tick();
    const [open] = alerts.open('q1');
    const acked = await alerts.acknowledge(open?.id ?? '', 'Practitioner/n1');
    expect(acked).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'Practitioner/n1',
      escalationLevel: 1,
    });
    const reloaded = await engine();
    expect(reloaded.open('q1')).toMatchObject([
      { status: 'acknowledged', acknowledgedBy: 'Practitioner/n1' },
    ]);
    reloaded.evaluate('q1', 'news2', undefined);
    now += 10_000;
    reloaded.tick();
    await reloaded.settled();
    const history = await reloaded.list('q1', 10);
    expect(history).toMatchObject([{ status: 'resolved', acknowledgedBy: 'Practitioner/n1' }]);
    const { rows } = await test.db.query<{ subject: string }>(
      'SELECT subject FROM monitoring.outbox WHERE data::text LIKE \'%"q1"%\' ORDER BY seq',
    );
    expect(rows.map((r) => r.subject)).toEqual([
      'monitoring.alert.raised',
      'monitoring.alert.escalated',
      'monitoring.alert.acknowledged',
      'monitoring.alert.resolved',
    ]);
  });

  it('times delivery from the arrival of the sample that raised an alert, per channel, and nothing else', async () => {
    const hub = createLiveHub({ maxBufferedBytes: 1 << 20 });
    const frames: string[] = [];
    hub.subscribePatient('d1', { send: (f) => frames.push(f), buffered: () => 0, close: () => {} });
    const delivered: Array<[string, string, number]> = [];
    const alerts = await engine({
      hub,
      onDelivered: (channel, severity, seconds) => delivered.push([channel, severity, seconds]),
    });
    // Arrived 40 ms ago (the clock is exact): a subscriber receives the frame, the event is committed.
    alerts.evaluate('d1', 'news2', 'urgent', { total: 5 }, now - 40);
    await alerts.settled();
    expect(frames).toHaveLength(1);
    expect(delivered).toEqual([
      ['live', 'urgent', 0.04],
      ['bus', 'urgent', 0.04],
    ]);
    // Worse: re-raised, timed again. No live subscriber for d2: only the bus delivery is timed.
    alerts.evaluate('d1', 'news2', 'emergency', { total: 8 }, now - 5);
    alerts.evaluate('d2', 'news2', 'urgent', { total: 5 }, now - 10);
    await alerts.settled();
    // Escalation (by time) and acknowledgement are not sample deliveries.
    now += 60_000;
    alerts.tick();
    await alerts.acknowledge(alerts.open('d1')[0]?.id ?? '', 'Practitioner/n1');
    await alerts.settled();
    expect(delivered.slice(2)).toEqual([
      ['live', 'emergency', 0.005],
      ['bus', 'emergency', 0.005],
      ['bus', 'urgent', 0.01],
    ]);
  });
});
