// The outbox's crash guarantees, proven with real SIGKILLs: whatever moment a writer, relay or
// consumer process dies, each committed event is delivered and applied exactly once after restart.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeliveredMessage } from '../../src/index.ts';
import { waitFor } from '../contract/waiting.ts';
import {
  ackWaitMs,
  applyNote,
  effectsFor,
  filter,
  group,
  openStack,
  type Stack,
  type StackEnv,
  writeNote,
} from './fault-app.ts';
import { startFixture } from './fixture-process.ts';

/**
 * Restarts the service in this process (after the fixture is dead, since a PGlite directory has one
 * opener at a time): consumer and relay running, every delivery recorded.
 */
async function restart(env: StackEnv) {
  const stack: Stack = await openStack(env);
  const deliveries: DeliveredMessage<{ noteId: string }>[] = [];
  const apply = applyNote(stack.db);
  const sub = await stack.bus.subscribe<{ noteId: string }>({
    subject: filter,
    group,
    ackWaitMs,
    handler: async (message) => {
      deliveries.push(message);
      await apply(message);
    },
  });
  stack.outbox.start();
  const deliveriesOf = (noteId: string) => deliveries.filter((m) => m.data.noteId === noteId);
  /** Drains the outbox, then a later event, so anything queued before it has been handled. */
  const settle = async () => {
    await waitFor(async () => (await stack.outbox.stats()).pending === 0, 20_000);
    const marker = `marker-${randomUUID()}`;
    await writeNote(stack, marker);
    stack.outbox.kick();
    await waitFor(async () => (await effectsFor(stack.db, marker)) === 1, 20_000);
  };
  return {
    stack,
    deliveriesOf,
    settle,
    async close() {
      await sub.close();
      await stack.close();
    },
  };
}

export function faultSuite(pair: string, envFor: () => StackEnv): void {
  // Each test starts and kills real processes: minutes, not seconds, on a loaded machine.
  describe(`outbox under SIGKILL: ${pair}`, { timeout: 300_000 }, () => {
    it('(a) a writer killed after commit, before the relay ran: delivered and applied once after restart', async () => {
      const note = `a-${randomUUID()}`;
      const writer = startFixture({ ...envFor(), HL_FAULT_ROLE: 'commit-then-die', HL_FAULT_NOTE: note });
      await writer.reached('committed');
      await writer.kill();

      const service = await restart(envFor());
      try {
        await service.settle();
        expect(await effectsFor(service.stack.db, note)).toBe(1);
        expect(service.deliveriesOf(note)).toHaveLength(1);
      } finally {
        await service.close();
      }
    });

    it('(b) a relay killed after publishing, before marking sent: republished, still applied once', async () => {
      const note = `b-${randomUUID()}`;
      const relay = startFixture({ ...envFor(), HL_FAULT_ROLE: 'publish-then-die', HL_FAULT_NOTE: note });
      await relay.reached('published');
      await relay.kill();

      const service = await restart(envFor());
      try {
        await service.settle();
        expect(await effectsFor(service.stack.db, note)).toBe(1);
        // The republish reused the event id, so the bus stored it once.
        expect(service.deliveriesOf(note)).toHaveLength(1);
      } finally {
        await service.close();
      }
    });

    for (const [role, state] of [
      ['apply-then-die', 'applied'],
      ['receive-then-die', 'received'],
    ] as const) {
      it(`(c) a consumer killed before ack (${state}): redelivered to the group's next consumer, applied once`, async () => {
        const note = `c-${randomUUID()}`;
        const consumer = startFixture({ ...envFor(), HL_FAULT_ROLE: role, HL_FAULT_NOTE: note });
        await consumer.reached(state);
        await consumer.kill();

        const service = await restart(envFor());
        try {
          await waitFor(() => service.deliveriesOf(note).length > 0, 20_000);
          await service.settle();
          expect(service.deliveriesOf(note).map((m) => m.deliveryCount)).toEqual([2]);
          expect(await effectsFor(service.stack.db, note)).toBe(1);
        } finally {
          await service.close();
        }
      });
    }
  });
}
