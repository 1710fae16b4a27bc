// The bus port's contract: one suite that every adapter must pass, so in-process and NATS cannot drift.
import { randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus, SubscribeOptions } from '../../src/index.ts';
import { collector, never, pause, waitFor } from './waiting.ts';

export interface BusContractTarget {
  /** Opens a bus on the shared backing store (same database or stream for every call). */
  open(): Promise<Bus>;
  /** Deletes the backing store; called once after the suite. */
  teardown(): Promise<void>;
}

// Short timings keep the suite fast; the semantics do not depend on their size.
const fast = { ackWaitMs: 500, retryBackoffMs: 50 } satisfies Partial<SubscribeOptions>;

export function busContract(adapter: string, setup: () => Promise<BusContractTarget>): void {
  describe(`bus contract: ${adapter}`, () => {
    let target: BusContractTarget;
    let bus: Bus;
    const open: Bus[] = [];
    // Each test works under its own subject root and group names, so tests never see each other.
    const root = () => `t${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      target = await setup();
      bus = await target.open();
      open.push(bus);
    });

    afterAll(async () => {
      await Promise.all(open.map((each) => each.close()));
      await target?.teardown();
      propagation.disable();
      context.disable();
    });

    it('delivers a published message with its id, subject, data and headers', async () => {
      const r = root();
      const sink = collector();
      const sub = await bus.subscribe({
        subject: `${r}.fhir.>`,
        group: `${r}-g`,
        handler: sink.handler,
        ...fast,
      });
      const before = Date.now();
      await bus.publish(
        `${r}.fhir.Patient.created`,
        { id: 'p1', n: [1, 2] },
        { id: `${r}-m1`, headers: { 'x-kind': 'test' } },
      );
      await waitFor(() => sink.received.length === 1);
      const [message] = sink.received;
      expect(message).toMatchObject({
        id: `${r}-m1`,
        subject: `${r}.fhir.Patient.created`,
        data: { id: 'p1', n: [1, 2] },
        deliveryCount: 1,
      });
      expect(message?.headers['x-kind']).toBe('test');
      expect(message?.publishedAt.getTime()).toBeGreaterThanOrEqual(before - 1_000);
      expect(message?.publishedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
      await sub.close();
    });

    it('matches wildcard filters token by token', async () => {
      const r = root();
      const filters = [`${r}.fhir.*.created`, `${r}.fhir.>`, `${r}.fhir.Patient.*`, `${r}.*`];
      const sinks = filters.map(() => collector());
      const subs = await Promise.all(
        filters.map((subject, i) =>
          bus.subscribe({ subject, group: `${r}-g${i}`, handler: sinks[i]!.handler, ...fast }),
        ),
      );
      const subjects = [
        'fhir.Patient.created',
        'fhir.Patient.updated',
        'fhir.Observation.created',
        'other',
        'other.deep',
      ];
      for (const subject of subjects) await bus.publish(`${r}.${subject}`, subject);
      const expected = [
        ['fhir.Patient.created', 'fhir.Observation.created'],
        ['fhir.Patient.created', 'fhir.Patient.updated', 'fhir.Observation.created'],
        ['fhir.Patient.created', 'fhir.Patient.updated'],
        ['other'],
      ];
      // A marker every filter matches... none exists across all four, so wait for the expected counts
      // and then for one more published marker per filter to prove nothing else was queued before it.
      const markers = [`fhir.Marker.created`, `fhir.Marker.created`, `fhir.Patient.marker`, `marker`];
      for (const marker of new Set(markers)) await bus.publish(`${r}.${marker}`, 'marker');
      await waitFor(() => sinks.every((sink) => sink.received.some((m) => m.data === 'marker')));
      sinks.forEach((sink, i) => {
        const got = sink.received.filter((m) => m.data !== 'marker').map((m) => m.data);
        expect(got, filters[i]).toEqual(expected[i]);
      });
      await Promise.all(subs.map((sub) => sub.close()));
    });

    it('shares a group among its subscribers: each message handled once', async () => {
      const r = root();
      const seen = [collector(() => pause(20)), collector(() => pause(20))];
      const subs = await Promise.all(
        seen.map((sink) =>
          bus.subscribe({ subject: `${r}.>`, group: `${r}-shared`, handler: sink.handler, ...fast }),
        ),
      );
      const ids = Array.from({ length: 12 }, (_, i) => `${r}-${i}`);
      for (const id of ids) await bus.publish(`${r}.work`, id, { id });
      await waitFor(() => seen[0]!.received.length + seen[1]!.received.length >= ids.length);
      await pause(100);
      const all = [...seen[0]!.ids(), ...seen[1]!.ids()];
      expect([...all].sort()).toEqual([...ids].sort());
      expect(seen[0]!.received.length).toBeGreaterThan(0);
      expect(seen[1]!.received.length).toBeGreaterThan(0);
      await Promise.all(subs.map((sub) => sub.close()));
    });

    it('gives every group every message, including a group created later', async () => {
      const r = root();
      const early = collector();
      const sub = await bus.subscribe({
        subject: `${r}.>`,
        group: `${r}-early`,
        handler: early.handler,
        ...fast,
      });
      for (let i = 0; i < 3; i++) await bus.publish(`${r}.event`, i, { id: `${r}-${i}` });
      await waitFor(() => early.received.length === 3);
      const late = collector();
      const lateSub = await bus.subscribe({
        subject: `${r}.>`,
        group: `${r}-late`,
        handler: late.handler,
        ...fast,
      });
      await waitFor(() => late.received.length === 3);
      expect(late.received.map((m) => m.data)).toEqual([0, 1, 2]);
      expect(early.received.map((m) => m.data)).toEqual([0, 1, 2]);
      await Promise.all([sub.close(), lateSub.close()]);
    });

    it('broadcasts to every subscriber without a group, only what is published after subscribing', async () => {
      const r = root();
      await bus.publish(`${r}.revoked`, 'before');
      const a = collector();
      const b = collector();
      const subs = [
        await bus.subscribe({ subject: `${r}.revoked`, handler: a.handler }),
        await bus.subscribe({ subject: `${r}.revoked`, handler: b.handler }),
      ];
      await bus.publish(`${r}.revoked`, 'after');
      // Deliveries keep stream order, so 'before' would have arrived ahead of 'after'.
      await waitFor(() => a.received.length >= 1 && b.received.length >= 1);
      expect(a.received.map((m) => m.data)).toEqual(['after']);
      expect(b.received.map((m) => m.data)).toEqual(['after']);
      await Promise.all(subs.map((sub) => sub.close()));
    });

    it('hands waiting deliveries to handleBatch together, in order, and acknowledges them all', async () => {
      const r = root();
      const batches: string[][] = [];
      const single = collector();
      await bus.publishBatch(
        Array.from({ length: 30 }, (_, n) => ({ subject: `${r}.job`, data: n, id: `${r}-${n}` })),
      );
      const sub = await bus.subscribe<number>({
        subject: `${r}.>`,
        group: `${r}-g`,
        handler: single.handler,
        handleBatch: async (messages) => {
          batches.push(messages.map((m) => m.id));
        },
        batchSize: 8,
        ...fast,
      });
      await waitFor(() => batches.flat().length + single.received.length >= 30);
      await pause(700); // past the ack wait: nothing unacknowledged comes again
      const handled = [...batches.flat(), ...single.ids()];
      expect(new Set(handled).size).toBe(30);
      expect(handled).toHaveLength(30);
      expect(batches.some((batch) => batch.length > 1)).toBe(true);
      expect(Math.max(...batches.map((batch) => batch.length))).toBeLessThanOrEqual(8);
      for (const batch of batches) {
        const order = batch.map((id) => Number(id.slice(id.lastIndexOf('-') + 1)));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      await sub.close();
    });

    it('hands a failed batch to handler one by one, so a poison message holds back no other', async () => {
      const r = root();
      let batchCalls = 0;
      const single = collector<number>(async (m) => {
        if (m.data === 3) throw new Error('poison');
      });
      await bus.publishBatch(
        Array.from({ length: 6 }, (_, n) => ({ subject: `${r}.job`, data: n, id: `${r}-${n}` })),
      );
      const sub = await bus.subscribe<number>({
        subject: `${r}.>`,
        group: `${r}-g`,
        handler: single.handler,
        handleBatch: async (messages) => {
          batchCalls += 1;
          if (messages.some((m) => m.data === 3)) throw new Error('poison in the batch');
        },
        maxDeliver: 2,
        ...fast,
      });
      await waitFor(() => single.received.filter((m) => m.data === 3).length === 2);
      await pause(700);
      expect(batchCalls).toBeGreaterThan(0);
      const good = single.received.filter((m) => m.data !== 3).map((m) => m.data);
      // Every good message of the failed batch was handled exactly once on its own.
      expect(new Set(good).size).toBe(good.length);
      expect(single.received.filter((m) => m.data === 3).map((m) => m.deliveryCount)).toEqual([1, 2]);
      await sub.close();
    });

    it('redelivers after the handler throws, with a growing delivery count, until it succeeds', async () => {
      const r = root();
      const sink = collector(async (m) => {
        if (m.deliveryCount < 3) throw new Error('transient');
      });
      const sub = await bus.subscribe({ subject: `${r}.>`, group: `${r}-g`, handler: sink.handler, ...fast });
      await bus.publish(`${r}.job`, 'x');
      await waitFor(() => sink.received.length === 3);
      await pause(600); // longer than the next back-off and the ack wait: an unacked message would come again
      expect(sink.received.map((m) => m.deliveryCount)).toEqual([1, 2, 3]);
      await sub.close();
    });

    it('gives up after maxDeliver deliveries', async () => {
      const r = root();
      const sink = collector(async () => {
        throw new Error('poison');
      });
      const sub = await bus.subscribe({
        subject: `${r}.>`,
        group: `${r}-g`,
        handler: sink.handler,
        maxDeliver: 3,
        ...fast,
      });
      await bus.publish(`${r}.job`, 'x');
      await waitFor(() => sink.received.length === 3);
      await pause(800);
      expect(sink.received.map((m) => m.deliveryCount)).toEqual([1, 2, 3]);
      await sub.close();
    });

    it('redelivers to another subscriber of the group when a handler never finishes (ack wait)', async () => {
      const r = root();
      const stuck = collector(never);
      const healthy = collector();
      const group = `${r}-g`;
      const first = await bus.subscribe({ subject: `${r}.>`, group, handler: stuck.handler, ...fast });
      await bus.publish(`${r}.job`, 'x', { id: `${r}-job` });
      await waitFor(() => stuck.received.length === 1);
      const second = await bus.subscribe({ subject: `${r}.>`, group, handler: healthy.handler, ...fast });
      await waitFor(() => healthy.received.length === 1);
      expect(healthy.received[0]).toMatchObject({ id: `${r}-job`, data: 'x' });
      expect(healthy.received[0]?.deliveryCount).toBeGreaterThanOrEqual(2);
      await Promise.all([first.close(), second.close()]);
    });

    it('stores a message id once within the de-duplication window', async () => {
      const r = root();
      const sink = collector();
      const sub = await bus.subscribe({ subject: `${r}.>`, group: `${r}-g`, handler: sink.handler, ...fast });
      await bus.publish(`${r}.event`, 'first', { id: `${r}-same` });
      await bus.publish(`${r}.event`, 'second', { id: `${r}-same` });
      await bus.publish(`${r}.event`, 'marker', { id: `${r}-marker` });
      await waitFor(() => sink.ids().includes(`${r}-marker`));
      expect(sink.received.map((m) => m.data)).toEqual(['first', 'marker']);
      await sub.close();
    });

    it('publishes a batch in order, de-duplicating ids seen before or repeated in the batch', async () => {
      const r = root();
      const sink = collector();
      const sub = await bus.subscribe({ subject: `${r}.>`, group: `${r}-g`, handler: sink.handler, ...fast });
      await bus.publish(`${r}.event`, 'earlier', { id: `${r}-0` });
      const batch = Array.from({ length: 40 }, (_, i) => ({
        subject: i % 2 === 0 ? `${r}.even` : `${r}.odd`,
        data: { n: i },
        id: `${r}-${i}`,
      }));
      await bus.publishBatch([...batch, { subject: `${r}.event`, data: 'repeat', id: `${r}-5` }]);
      await bus.publishBatch([]);
      await bus.publish(`${r}.event`, 'marker', { id: `${r}-marker` });
      await waitFor(() => sink.ids().includes(`${r}-marker`));
      expect(sink.received.map((m) => m.data)).toEqual([
        'earlier',
        ...batch.slice(1).map((m) => m.data),
        'marker',
      ]);
      expect(sink.received[2]).toMatchObject({ id: `${r}-2`, subject: `${r}.even`, deliveryCount: 1 });
      await sub.close();
    });

    it('keeps the trace context a batched message carries, and refuses a batch with a bad subject', async () => {
      const r = root();
      const sink = collector();
      const sub = await bus.subscribe({ subject: `${r}.>`, group: `${r}-g`, handler: sink.handler, ...fast });
      const carried = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      await bus.publishBatch([
        { subject: `${r}.a`, data: 1, headers: { traceparent: carried, 'x-kind': 'a' } },
        { subject: `${r}.b`, data: 2 },
      ]);
      await expect(
        bus.publishBatch([
          { subject: `${r}.ok`, data: 'never' },
          { subject: `${r}.*`, data: 'bad' },
        ]),
      ).rejects.toThrow(/invalid subject/);
      await bus.publish(`${r}.marker`, 'marker');
      await waitFor(() => sink.received.length === 3);
      expect(sink.received.map((m) => m.data)).toEqual([1, 2, 'marker']);
      expect(sink.received[0]?.headers).toMatchObject({ traceparent: carried, 'x-kind': 'a' });
      expect(sink.received[1]?.headers.traceparent).toBeUndefined();
      await sub.close();
    });

    it('keeps a closed group subscription durable, and hands back its unfinished deliveries', async () => {
      const r = root();
      const group = `${r}-g`;
      const before = collector();
      const sub = await bus.subscribe({ subject: `${r}.>`, group, handler: before.handler, ...fast });
      await bus.publish(`${r}.event`, 'one');
      await waitFor(() => before.received.length === 1);
      await sub.close();
      await bus.publish(`${r}.event`, 'while-away');

      let release: () => void = () => {};
      const blocked = collector(() => new Promise<void>((resolve) => (release = resolve)));
      const again = await bus.subscribe({ subject: `${r}.>`, group, handler: blocked.handler, ...fast });
      await waitFor(() => blocked.received.length === 1);
      expect(blocked.received[0]?.data).toBe('while-away');
      expect(before.received).toHaveLength(1);
      const closing = again.close(); // the handler is still running: close waits, then hands it back

      const after = collector();
      const third = await bus.subscribe({ subject: `${r}.>`, group, handler: after.handler, ...fast });
      await closing;
      await waitFor(() => after.received.length === 1);
      expect(after.received[0]?.data).toBe('while-away');
      release();
      await third.close();
    });

    it('closes idempotently, then refuses to publish or subscribe', async () => {
      const other = await target.open();
      await other.ping();
      const r = root();
      const sink = collector();
      await other.subscribe({ subject: `${r}.>`, handler: sink.handler });
      await other.close();
      await other.close();
      await expect(other.publish(`${r}.x`, 1)).rejects.toThrow(/closed/);
      await expect(other.publishBatch([{ subject: `${r}.x`, data: 1 }])).rejects.toThrow(/closed/);
      await expect(other.subscribe({ subject: `${r}.>`, handler: sink.handler })).rejects.toThrow(/closed/);
      await expect(other.ping()).rejects.toThrow();
      await bus.publish(`${r}.x`, 'after close');
      await pause(200);
      expect(sink.received).toHaveLength(0);
    });

    it('rejects wildcards in published subjects and malformed filters', async () => {
      await expect(bus.publish('fhir.*.created', 1)).rejects.toThrow(/invalid subject/);
      await expect(bus.publish('fhir..created', 1)).rejects.toThrow(/invalid subject/);
      await expect(bus.subscribe({ subject: 'fhir.>.x', handler: async () => {} })).rejects.toThrow(/filter/);
      await expect(
        bus.subscribe({ subject: 'a.>', group: 'no.dots', handler: async () => {} }),
      ).rejects.toThrow(/group/);
    });

    it('carries the trace context from publisher to handler', async () => {
      const r = root();
      const traceId = randomUUID().replaceAll('-', '');
      const spanContext = { traceId, spanId: traceId.slice(0, 16), traceFlags: 1 };
      const seenTraceIds: (string | undefined)[] = [];
      const sink = collector(async () => {
        seenTraceIds.push(trace.getSpanContext(context.active())?.traceId);
      });
      const sub = await bus.subscribe({ subject: `${r}.>`, group: `${r}-g`, handler: sink.handler, ...fast });
      const traced = trace.setSpan(context.active(), trace.wrapSpanContext(spanContext));
      await context.with(traced, () => bus.publish(`${r}.traced`, 1));
      await bus.publish(`${r}.untraced`, 2);
      await waitFor(() => sink.received.length === 2);
      expect(sink.received[0]?.headers.traceparent).toBe(`00-${traceId}-${spanContext.spanId}-01`);
      expect(seenTraceIds).toEqual([traceId, undefined]);
      expect(sink.received[1]?.headers.traceparent).toBeUndefined();
      await sub.close();
    });
  });
}
