// The audit producer on PGlite with the in-process bus: group commit (many concurrent records, few
// transactions), every caller resolved once durable, writes enqueued with the data's transaction,
// failures rejected to the caller, and everything relayed to `audit.>` subscribers.
import { type Bus, createInProcessBus, type DeliveredMessage } from '@healthlane/bus';
import type { Database } from '@healthlane/store';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AuditEvent, buildAuditEvent, createAuditProducer } from '../src/index.ts';

let database: TestDatabase;
let db: Database;
let bus: Bus;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  db = database.db;
  bus = await createInProcessBus({ db });
});
afterAll(async () => {
  await bus?.close();
  await database?.drop();
});

const event = (resource: string): AuditEvent =>
  buildAuditEvent({
    interaction: 'read',
    outcome: '0',
    recorded: new Date('2026-12-01T00:00:00Z'),
    observer: 'records',
    resources: [resource],
  });

/** Counts the transactions the producer commits by wrapping the database's `transaction`. */
function countingDatabase(inner: Database): { db: Database; transactions: () => number } {
  let count = 0;
  const counted: Database = {
    dialect: inner.dialect,
    query: (sql, params) => inner.query(sql, params),
    exec: (sql) => inner.exec(sql),
    ping: () => inner.ping(),
    close: () => inner.close(),
    transaction: (work, options) => {
      count += 1;
      return inner.transaction(work, options);
    },
  };
  return { db: counted, transactions: () => count };
}

it('group-commits concurrent records into few transactions and resolves each caller once durable', async () => {
  const counting = countingDatabase(db);
  let next = 0;
  const producer = createAuditProducer({
    db: counting.db,
    bus,
    source: 'records',
    schema: 'gc_audit',
    newId: () => `gc-${++next}`,
    flushDelayMs: 5,
  });
  await producer.migrate();
  const ids = await Promise.all(
    Array.from({ length: 100 }, (_, index) => producer.record(event(`Observation/${index}`))),
  );
  expect(new Set(ids).size).toBe(100);
  // Each resolved id is already committed.
  const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM gc_audit.outbox');
  expect(rows[0]?.count).toBe(100);
  expect(counting.transactions()).toBeLessThan(10);
  await producer.stop();
});

it('enqueues in the caller transaction: committed with the data, gone with a rollback', async () => {
  const producer = createAuditProducer({ db, bus, source: 'records', schema: 'tx_audit' });
  await producer.migrate();
  await db.transaction(async (tx) => {
    await producer.enqueue(tx, event('Patient/kept'));
  });
  await expect(
    db.transaction(async (tx) => {
      await producer.enqueue(tx, event('Patient/rolled-back'));
      throw new Error('the data write failed');
    }),
  ).rejects.toThrow('the data write failed');
  const { rows } = await db.query<{ data: string }>('SELECT data FROM tx_audit.outbox');
  expect(rows.map((row) => JSON.parse(row.data).entity[0].what.reference)).toEqual(['Patient/kept']);
  await producer.stop();
});

it('rejects every caller of a batch that cannot be committed', async () => {
  const producer = createAuditProducer({ db, bus, source: 'records', schema: 'missing_audit' });
  // No migrate(): the outbox table does not exist, so the commit fails.
  const results = await Promise.allSettled([
    producer.record(event('Patient/a')),
    producer.record(event('Patient/b')),
  ]);
  expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  await producer.stop();
});

it('relays recorded events to audit.<source>.<type> with the event id as message id and resource id', async () => {
  const received: DeliveredMessage<AuditEvent>[] = [];
  const subscription = await bus.subscribe<AuditEvent>({
    subject: 'audit.>',
    group: 'test-audit',
    handler: async (message) => {
      received.push(message);
    },
  });
  const producer = createAuditProducer({
    db,
    bus,
    source: 'records',
    schema: 'relay_audit',
    pollIntervalMs: 50,
  });
  await producer.migrate();
  producer.start();
  const id = await producer.record(event('Observation/relayed'));
  await expect.poll(() => received.find((message) => message.id === id), { timeout: 10_000 }).toBeDefined();
  const message = received.find((each) => each.id === id)!;
  expect(message.subject).toBe('audit.records.rest');
  expect(message.data.id).toBe(id);
  await producer.stop();
  await subscription.close();
});
