// The chain on PGlite with the in-process bus: events produced through a service's audit outbox
// arrive once each, in a gap-free sequence, hash-chained, and the log refuses every change.
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { chainHash, genesisHash, verifyAuditLog, writerRole } from '../src/index.ts';
import { writerRoleAvailable } from '../src/store/appender.ts';
import {
  type AuditApp,
  chainedCount,
  sampleEvent,
  startAuditApp,
  waitForChained,
} from './support/audit-app.ts';

let database: TestDatabase;
let audit: AuditApp;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  audit = await startAuditApp(database.db, { env: { AUDIT_BATCH_SIZE: '7' } });
});
afterAll(async () => {
  await audit?.stop();
  await database?.drop();
});

it('chains every produced event once, in a gap-free sequence, each hash over the previous', async () => {
  const ids = await Promise.all(
    Array.from({ length: 40 }, (_, index) =>
      audit.producer.record(sampleEvent({ resources: [`Observation/${index}`] })),
    ),
  );
  await waitForChained(database.db, 40);
  const { rows } = await database.db.query<{
    seq: number;
    event_id: string;
    record: string;
    prev_hash: string;
    hash: string;
  }>('SELECT seq, event_id, record, prev_hash, hash FROM audit.log ORDER BY seq');
  expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
  expect(new Set(rows.map((row) => row.event_id))).toEqual(new Set(ids));
  let previous = genesisHash;
  for (const row of rows) {
    expect(row.prev_hash).toBe(previous);
    expect(row.hash).toBe(chainHash(previous, row.record));
    previous = row.hash;
  }
  const report = await verifyAuditLog(database.db);
  expect(report).toMatchObject({ ok: true, records: 40, head: { seq: 40, hash: previous } });
  expect(report.checkpoints).toBeGreaterThanOrEqual(6); // batches of at most 7
  const { rows: inbox } = await database.db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM audit.inbox',
  );
  expect(inbox[0]?.count).toBe(0);
});

it('stores a redelivered or republished event once', async () => {
  const before = await chainedCount(database.db);
  const event = { ...sampleEvent(), id: 'fixed-id-1' };
  await audit.bus.publish('audit.test.rest', event, { id: 'fixed-id-1' });
  await audit.bus.publish('audit.test.rest', event, { id: 'fixed-id-1' });
  await waitForChained(database.db, before + 1);
  // A later event passes the duplicate: once it is chained, the duplicate had its chance.
  await audit.producer.record(sampleEvent());
  await waitForChained(database.db, before + 2);
  const { rows } = await database.db.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM audit.log WHERE event_id = 'fixed-id-1'",
  );
  expect(rows[0]?.count).toBe(1);
});

it.each([
  ['UPDATE', "UPDATE audit.log SET record = 'x' WHERE seq = 1"],
  ['DELETE', 'DELETE FROM audit.log WHERE seq = 1'],
  ['TRUNCATE', 'TRUNCATE audit.log'],
  ['UPDATE checkpoint', "UPDATE audit.checkpoint SET hash = 'x'"],
  ['DELETE checkpoint', 'DELETE FROM audit.checkpoint'],
  ['TRUNCATE search index', 'TRUNCATE audit.search_token'],
])('the database refuses %s on the log, even for its owner', async (_name, sql) => {
  await expect(database.db.query(sql)).rejects.toThrow(/append-only/);
  expect((await verifyAuditLog(database.db)).ok).toBe(true);
});

it('the writer role may insert and select but not update, delete or switch triggers off', async () => {
  expect(await writerRoleAvailable(database.db)).toBe(true); // so the appender writes as it
  const attempt = (sql: string) =>
    database.db.transaction(async (tx) => {
      await tx.query(`SET LOCAL ROLE ${writerRole}`);
      await tx.query(sql);
    });
  await expect(attempt('SELECT count(*) FROM audit.log')).resolves.toBeUndefined();
  await expect(attempt('ALTER TABLE audit.log DISABLE TRIGGER USER')).rejects.toThrow(/owner/);
  await expect(attempt("UPDATE audit.log SET record = 'x' WHERE seq = 1")).rejects.toThrow(
    /permission denied|append-only/,
  );
  await expect(attempt('DELETE FROM audit.checkpoint')).rejects.toThrow(/permission denied|append-only/);
});

it('exposes appended, failure and lag metrics without identifiers', async () => {
  const text = await audit.metrics.metrics();
  expect(text).toMatch(/audit_events_appended_total \d+/);
  expect(text).toContain('audit_append_failures_total 0');
  expect(text).toMatch(/audit_chain_lag_seconds \d/);
  expect(text).not.toMatch(/Patient|Observation/);
});
