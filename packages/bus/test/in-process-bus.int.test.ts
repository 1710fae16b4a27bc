// The in-process bus on PostgreSQL: the same contract, and replicas in one group sharing the work.

import { openDatabase } from '@healthlane/store';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../src/index.ts';
import { busContract } from './contract/bus-contract.ts';
import { collector, pause, waitFor } from './contract/waiting.ts';

let shared: Promise<TestPostgresDatabase> | undefined;
const database = () => {
  shared ??= createTestPostgresDatabase();
  return shared;
};
afterAll(async () => (await shared)?.drop());

busContract('in-process over PostgreSQL', async () => {
  const { db } = await database();
  return { open: () => createInProcessBus({ db }), teardown: async () => {} };
});

describe('in-process bus replicas on one PostgreSQL database', () => {
  it('shares a group across bus instances with their own pools: each message handled once', async () => {
    const { url } = await database();
    const dbs = await Promise.all([openDatabase({ url, poolSize: 3 }), openDatabase({ url, poolSize: 3 })]);
    const buses = await Promise.all(dbs.map((db) => createInProcessBus({ db, pollIntervalMs: 50 })));
    try {
      const sinks = [collector(() => pause(5)), collector(() => pause(5))];
      await Promise.all(
        buses.map((bus, i) =>
          bus.subscribe({
            subject: 'replicas.>',
            group: 'replicas',
            handler: sinks[i]!.handler,
            concurrency: 4,
          }),
        ),
      );
      const ids = Array.from({ length: 40 }, (_, i) => `replica-${i}`);
      // Publish from both instances at once, so claims and appends race across connections.
      await Promise.all(ids.map((id, i) => buses[i % 2]!.publish('replicas.work', id, { id })));
      await waitFor(() => sinks[0]!.received.length + sinks[1]!.received.length >= ids.length);
      await pause(300);
      const handled = [...sinks[0]!.ids(), ...sinks[1]!.ids()].sort();
      expect(handled).toEqual([...ids].sort());
      expect(sinks[0]!.received.length).toBeGreaterThan(0);
      expect(sinks[1]!.received.length).toBeGreaterThan(0);
    } finally {
      await Promise.all(buses.map((bus) => bus.close()));
      await Promise.all(dbs.map((db) => db.close()));
    }
  });
});
