// On real PostgreSQL and NATS JetStream: events produced through a service's audit outbox reach the
// audit service over NATS and are chained once each; the migration created the writer role, the
// appender writes as it, and the role may insert and select but never update or delete — refused by
// privileges before any trigger — while the triggers refuse the owner too.
import { createAuditProducer } from '@healthlane/audit';
import { createTestNatsBus, type TestNatsBus } from '@healthlane/bus/testing';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyAuditLog, writerRole } from '../src/index.ts';
import { writerRoleAvailable } from '../src/store/appender.ts';
import { type AuditApp, sampleEvent, startAuditApp, waitForChained } from './support/audit-app.ts';

let database: TestPostgresDatabase;
let nats: TestNatsBus;
let audit: AuditApp;

beforeAll(async () => {
  database = await createTestPostgresDatabase();
  nats = await createTestNatsBus();
  audit = await startAuditApp(database.db, { bus: nats.bus, env: { AUDIT_CHECKPOINT_KEY: 'x'.repeat(32) } });
});
afterAll(async () => {
  await audit?.stop();
  await nats?.drop();
  await database?.drop();
});

it('chains events from a producer over NATS once each, verifiably, as the writer role', async () => {
  expect(await writerRoleAvailable(database.db)).toBe(true);
  const producer = createAuditProducer({
    db: database.db,
    bus: nats.bus,
    source: 'records',
    schema: 'records_int_audit',
  });
  await producer.migrate();
  producer.start();
  const ids = await Promise.all(Array.from({ length: 50 }, () => producer.record(sampleEvent())));
  await waitForChained(database.db, 50);
  const { rows } = await database.db.query<{ event_id: string }>(
    'SELECT event_id FROM audit.log ORDER BY seq',
  );
  expect(new Set(rows.map((row) => row.event_id))).toEqual(new Set(ids));
  expect(await verifyAuditLog(database.db, { key: 'x'.repeat(32) })).toMatchObject({ ok: true, records: 50 });
  await producer.stop();
});

it('the writer role is refused UPDATE, DELETE and TRUNCATE by privilege; the owner by the triggers', async () => {
  const asWriter = (sql: string) =>
    database.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL ROLE ${writerRole}`);
      await tx.query(sql);
    });
  for (const sql of [
    "UPDATE audit.log SET record = 'x'",
    'DELETE FROM audit.log',
    'TRUNCATE audit.log',
    'DELETE FROM audit.checkpoint',
    'ALTER TABLE audit.log DISABLE TRIGGER USER',
  ]) {
    await expect(asWriter(sql), sql).rejects.toThrow(/permission denied|must be owner/);
  }
  await expect(asWriter('SELECT count(*) FROM audit.log')).resolves.toBeUndefined();
  await expect(database.db.query('DELETE FROM audit.log')).rejects.toThrow(/append-only/);
  await expect(database.db.query('TRUNCATE audit.checkpoint')).rejects.toThrow(/append-only/);
});
