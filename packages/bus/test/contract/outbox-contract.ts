// The outbox and idempotent-consumer contract, run over each (database, bus) pair that ships together.
import { randomUUID } from 'node:crypto';
import type { Database } from '@healthlane/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Bus,
  createOutbox,
  type DeliveredMessage,
  idempotent,
  idempotentBatch,
  migrateProcessedEvents,
  type Outbox,
} from '../../src/index.ts';
import { collector, pause, waitFor } from './waiting.ts';

export interface OutboxContractTarget {
  db: Database;
  bus: Bus;
  teardown(): Promise<void>;
}

const fast = { ackWaitMs: 500, retryBackoffMs: 50 };

export function outboxContract(pair: string, setup: () => Promise<OutboxContractTarget>): void {
  describe(`outbox contract: ${pair}`, () => {
    let target: OutboxContractTarget;
    const outboxes: Outbox[] = [];
    let schemas = 0;

    beforeAll(async () => {
      target = await setup();
    });

    afterAll(async () => {
      await Promise.all(outboxes.map((outbox) => outbox.stop()));
      await target?.teardown();
    });

    /** A fresh schema per test, holding a notes table, the outbox and processed_events. */
    async function service(bus: Bus = target.bus, batchSize?: number) {
      const schema = `ob${process.pid}_${++schemas}`;
      const outbox = createOutbox({ db: target.db, bus, schema, pollIntervalMs: 200, batchSize });
      outboxes.push(outbox);
      await outbox.migrate();
      await migrateProcessedEvents(target.db, schema);
      await target.db.exec(`CREATE TABLE ${schema}.notes (id text PRIMARY KEY)`);
      return { schema, outbox, root: `o${randomUUID().slice(0, 8)}` };
    }

    it('publishes nothing for a rolled-back transaction', async () => {
      const { schema, outbox, root } = await service();
      const sink = collector();
      const sub = await target.bus.subscribe({
        subject: `${root}.>`,
        group: 'g',
        handler: sink.handler,
        ...fast,
      });
      outbox.start();
      await expect(
        target.db.transaction(async (tx) => {
          await tx.query(`INSERT INTO ${schema}.notes (id) VALUES ('lost')`);
          await outbox.enqueue(tx, `${root}.note.created`, { id: 'lost' });
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');
      expect(await outbox.stats()).toEqual({ pending: 0, oldestPendingAgeSeconds: 0 });
      await target.db.transaction((tx) => outbox.enqueue(tx, `${root}.note.created`, { id: 'kept' }));
      outbox.kick();
      // The relay publishes in order, so a rolled-back event would have arrived ahead of this one.
      await waitFor(() => sink.received.length === 1);
      expect(sink.received.map((m) => m.data)).toEqual([{ id: 'kept' }]);
      await sub.close();
    });

    it('delivers a committed event once, under its event id, with its headers', async () => {
      const { schema, outbox, root } = await service();
      const sink = collector();
      const sub = await target.bus.subscribe({
        subject: `${root}.>`,
        group: 'g',
        handler: sink.handler,
        ...fast,
      });
      outbox.start();
      const eventId = await target.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.notes (id) VALUES ('n1')`);
        return outbox.enqueue(tx, `${root}.note.created`, { id: 'n1' }, { headers: { 'x-source': 'test' } });
      });
      outbox.kick();
      await waitFor(() => sink.received.length === 1);
      expect(sink.received[0]).toMatchObject({
        id: eventId,
        subject: `${root}.note.created`,
        data: { id: 'n1' },
      });
      expect(sink.received[0]?.headers['x-source']).toBe('test');
      await waitFor(async () => (await outbox.stats()).pending === 0);
      await target.bus.publish(`${root}.marker`, 'marker');
      await waitFor(() => sink.received.length === 2);
      expect(sink.received.map((m) => m.id).filter((id) => id === eventId)).toHaveLength(1);
      await sub.close();
    });

    it('relays events in the order they were enqueued', async () => {
      const { outbox, root } = await service();
      const sink = collector();
      const sub = await target.bus.subscribe({
        subject: `${root}.>`,
        group: 'g',
        handler: sink.handler,
        ...fast,
      });
      for (let i = 0; i < 25; i++) {
        await target.db.transaction((tx) => outbox.enqueue(tx, `${root}.seq`, i));
      }
      outbox.start();
      await waitFor(() => sink.received.length === 25);
      expect(sink.received.map((m) => m.data)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      await sub.close();
    });

    it('drains a backlog larger than one batch in order, pass after pass, without waiting for kicks', async () => {
      let batches = 0;
      const counting: Bus = {
        ...target.bus,
        kind: target.bus.kind,
        publishBatch: async (messages) => {
          batches += 1;
          return target.bus.publishBatch(messages);
        },
      };
      // A poll interval far beyond the wait: only continuous draining empties the backlog in time.
      const schema = `ob${process.pid}_${++schemas}`;
      const outbox = createOutbox({
        db: target.db,
        bus: counting,
        schema,
        pollIntervalMs: 60_000,
        batchSize: 4,
      });
      outboxes.push(outbox);
      await outbox.migrate();
      const root = `o${randomUUID().slice(0, 8)}`;
      const sink = collector();
      const sub = await target.bus.subscribe({
        subject: `${root}.>`,
        group: 'g',
        handler: sink.handler,
        ...fast,
      });
      await target.db.transaction(async (tx) => {
        for (let i = 0; i < 30; i++) await outbox.enqueue(tx, `${root}.seq`, i);
      });
      outbox.start();
      await waitFor(() => sink.received.length === 30);
      expect(sink.received.map((m) => m.data)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(batches).toBe(8);
      expect(await outbox.stats()).toEqual({ pending: 0, oldestPendingAgeSeconds: 0 });
      await sub.close();
    });

    it('enqueues many events with one statement, in order, committed or rolled back with the data', async () => {
      const { schema, outbox, root } = await service();
      const sink = collector();
      const sub = await target.bus.subscribe({
        subject: `${root}.>`,
        group: 'g',
        handler: sink.handler,
        ...fast,
      });
      await expect(
        target.db.transaction(async (tx) => {
          await outbox.enqueueMany(tx, [{ subject: `${root}.lost`, data: 'lost' }]);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      const ids = await target.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${schema}.notes (id) VALUES ('many')`);
        return outbox.enqueueMany(tx, [
          { subject: `${root}.a`, data: { n: 1 }, headers: { 'x-kind': 'first' } },
          { subject: `${root}.b`, data: [2, 'two'], id: `${root}-fixed` },
          { subject: `${root}.c`, data: null },
        ]);
      });
      expect(ids[1]).toBe(`${root}-fixed`);
      expect(await target.db.transaction((tx) => outbox.enqueueMany(tx, []))).toEqual([]);
      await expect(
        target.db.transaction((tx) => outbox.enqueueMany(tx, [{ subject: `${root}.*`, data: 1 }])),
      ).rejects.toThrow(/invalid subject/);
      outbox.start();
      await waitFor(() => sink.received.length === 3);
      expect(sink.received.map((m) => [m.id, m.data])).toEqual([
        [ids[0], { n: 1 }],
        [ids[1], [2, 'two']],
        [ids[2], null],
      ]);
      expect(sink.received[0]?.headers['x-kind']).toBe('first');
      await sub.close();
    });

    it('reports pending events and the age of the oldest', async () => {
      const { outbox, root } = await service();
      expect(await outbox.stats()).toEqual({ pending: 0, oldestPendingAgeSeconds: 0 });
      for (let i = 0; i < 3; i++) await target.db.transaction((tx) => outbox.enqueue(tx, `${root}.x`, i));
      await pause(50);
      const stats = await outbox.stats();
      expect(stats.pending).toBe(3);
      expect(stats.oldestPendingAgeSeconds).toBeGreaterThan(0.03);
      expect(stats.oldestPendingAgeSeconds).toBeLessThan(30);
      outbox.start();
      await waitFor(async () => (await outbox.stats()).pending === 0);
      expect((await outbox.stats()).oldestPendingAgeSeconds).toBe(0);
    });

    it('keeps retrying while the bus fails, without losing or reordering events', async () => {
      let failuresLeft = 2;
      const flaky: Bus = {
        ...target.bus,
        kind: target.bus.kind,
        publish: async (subject, data, options) => {
          if (failuresLeft-- > 0) throw new Error('bus unavailable');
          return target.bus.publish(subject, data, options);
        },
        publishBatch: async (messages) => {
          if (failuresLeft-- > 0) throw new Error('bus unavailable');
          return target.bus.publishBatch(messages);
        },
      };
      const { outbox, root } = await service(flaky);
      const sink = collector();
      const sub = await target.bus.subscribe({
        subject: `${root}.>`,
        group: 'g',
        handler: sink.handler,
        ...fast,
      });
      for (let i = 0; i < 3; i++) await target.db.transaction((tx) => outbox.enqueue(tx, `${root}.x`, i));
      outbox.start();
      await waitFor(() => sink.received.length === 3);
      expect(sink.received.map((m) => m.data)).toEqual([0, 1, 2]);
      expect(failuresLeft).toBeLessThan(0);
      await sub.close();
    });

    it('applies a redelivered or replayed message once per consumer', async () => {
      const { schema, root } = await service();
      await target.db.exec(`CREATE TABLE ${schema}.applied (event_id text, consumer text)`);
      const handlerFor = (consumer: string) =>
        idempotent<{ n: number }>({
          db: target.db,
          schema,
          consumer,
          handle: async (tx, message) => {
            await tx.query(`INSERT INTO ${schema}.applied (event_id, consumer) VALUES ($1, $2)`, [
              message.id,
              consumer,
            ]);
          },
        });
      const message: DeliveredMessage<{ n: number }> = {
        id: `${root}-e1`,
        subject: `${root}.x`,
        data: { n: 1 },
        headers: {},
        deliveryCount: 1,
        publishedAt: new Date(),
      };
      const billing = handlerFor('billing');
      await billing(message);
      await billing({ ...message, deliveryCount: 2 });
      await handlerFor('audit')(message);
      const failing = idempotent({
        db: target.db,
        schema,
        consumer: 'failing',
        handle: async () => {
          throw new Error('not yet');
        },
      });
      await expect(failing(message)).rejects.toThrow('not yet');
      const { rows } = await target.db.query<{ consumer: string; n: number }>(
        `SELECT consumer, count(*)::int AS n FROM ${schema}.applied GROUP BY consumer ORDER BY consumer`,
      );
      expect(rows).toEqual([
        { consumer: 'audit', n: 1 },
        { consumer: 'billing', n: 1 },
      ]);
      // The failed attempt left no processed mark, so a retry still runs.
      const marks = await target.db.query(
        `SELECT 1 FROM ${schema}.processed_events WHERE consumer = 'failing'`,
      );
      expect(marks.rowCount).toBe(0);
    });

    it('applies a batch once per message: repeats in the batch and earlier deliveries are skipped', async () => {
      const { schema, root } = await service();
      await target.db.exec(`CREATE TABLE ${schema}.applied_batch (event_id text, n int)`);
      const applied: string[][] = [];
      const handle = idempotentBatch<{ n: number }>({
        db: target.db,
        schema,
        consumer: 'batch',
        handle: async (tx, messages) => {
          applied.push(messages.map((m) => m.id));
          await tx.query(
            `INSERT INTO ${schema}.applied_batch (event_id, n) SELECT * FROM unnest($1::text[], $2::int[])`,
            [messages.map((m) => m.id), messages.map((m) => m.data.n)],
          );
        },
      });
      const message = (n: number): DeliveredMessage<{ n: number }> => ({
        id: `${root}-e${n}`,
        subject: `${root}.x`,
        data: { n },
        headers: {},
        deliveryCount: 1,
        publishedAt: new Date(),
      });
      await handle([message(1), message(2)]);
      await handle([message(2), message(3), message(3), message(4)]);
      await handle([message(1)]);
      expect(applied).toEqual([
        [`${root}-e1`, `${root}-e2`],
        [`${root}-e3`, `${root}-e4`],
      ]);
      const { rows } = await target.db.query<{ n: number }>(
        `SELECT n FROM ${schema}.applied_batch ORDER BY n`,
      );
      expect(rows.map((row) => row.n)).toEqual([1, 2, 3, 4]);
      const failing = idempotentBatch({
        db: target.db,
        schema,
        consumer: 'failing-batch',
        handle: async () => {
          throw new Error('not yet');
        },
      });
      await expect(failing([message(5)])).rejects.toThrow('not yet');
      const marks = await target.db.query(
        `SELECT 1 FROM ${schema}.processed_events WHERE consumer = 'failing-batch'`,
      );
      expect(marks.rowCount).toBe(0);
    });
  });
}
