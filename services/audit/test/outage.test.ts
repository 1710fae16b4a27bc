// Nothing is lost while the audit service is down: events wait in the producer's outbox (relay
// stopped) or on the bus (audit consumer stopped), and once both run again every event is chained
// exactly once, in a chain that verifies.
import { createAuditProducer } from '@healthlane/audit';
import { type Bus, createInProcessBus } from '@healthlane/bus';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditLog } from '../src/index.ts';
import { chainedCount, sampleEvent, startAuditApp, waitForChained } from './support/audit-app.ts';

let database: TestDatabase;
let bus: Bus;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  bus = await createInProcessBus({ db: database.db });
});
afterAll(async () => {
  await bus?.close();
  await database?.drop();
});

it('keeps events produced while the audit service (and the relay) were down, and chains each once', async () => {
  const db = database.db;
  const producer = createAuditProducer({
    db,
    bus,
    source: 'records',
    schema: 'outage_audit',
    pollIntervalMs: 50,
  });
  await producer.migrate();
  producer.start();

  const first = await startAuditApp(db, { bus });
  await Promise.all(Array.from({ length: 5 }, () => producer.record(sampleEvent())));
  await waitForChained(db, 5);

  // The audit service goes down; events keep coming and are relayed onto the bus.
  await first.stop();
  const whileDown = await Promise.all(Array.from({ length: 20 }, () => producer.record(sampleEvent())));
  const relayed = async () => (await producer.stats()).pending;
  await expect.poll(relayed, { timeout: 20_000 }).toBe(0);

  // The relay goes down too; these wait in the producer's outbox.
  await producer.stop();
  const inOutbox = await Promise.all(Array.from({ length: 10 }, () => producer.record(sampleEvent())));
  expect((await producer.stats()).pending).toBe(10);
  expect(await chainedCount(db)).toBe(5);

  // Both come back.
  const restarted = createAuditProducer({
    db,
    bus,
    source: 'records',
    schema: 'outage_audit',
    pollIntervalMs: 50,
  });
  restarted.start();
  const second = await startAuditApp(db, { bus });
  await waitForChained(db, 35);
  await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would have landed by now

  const { rows } = await db.query<{ event_id: string }>('SELECT event_id FROM audit.log ORDER BY seq');
  expect(rows).toHaveLength(35);
  expect(new Set(rows.map((row) => row.event_id)).size).toBe(35);
  for (const id of [...whileDown, ...inOutbox]) expect(rows.map((row) => row.event_id)).toContain(id);
  expect((await verifyAuditLog(db)).ok).toBe(true);
  await restarted.stop();
  await second.stop();
});
