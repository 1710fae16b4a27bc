// The bus and outbox contracts on the in-process bus over in-memory PGlite, plus what only this
// adapter has: retention by age in SQL.
import type { TestDatabase } from '@healthlane/store/testing';
import { createTestPgliteDatabase } from '@healthlane/store/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../src/index.ts';
import { busContract } from './contract/bus-contract.ts';
import { outboxContract } from './contract/outbox-contract.ts';
import { collector, pause, waitFor } from './contract/waiting.ts';

// One PGlite for the file: it takes seconds to start, and the suites keep apart by subject and schema.
let shared: Promise<TestDatabase> | undefined;
const database = () => {
  shared ??= createTestPgliteDatabase();
  return shared;
};
afterAll(async () => (await shared)?.drop());

busContract('in-process over PGlite', async () => {
  const { db } = await database();
  return { open: () => createInProcessBus({ db }), teardown: async () => {} };
});

outboxContract('PGlite + in-process bus', async () => {
  const { db } = await database();
  const bus = await createInProcessBus({ db });
  return { db, bus, teardown: () => bus.close() };
});

describe('in-process push', () => {
  it('delivers at once, without a poll, also between bus instances on one database', async () => {
    const { db } = await database();
    // A poll interval far beyond the wait below: only the publish-time wake-up can deliver in time.
    const [a, b] = await Promise.all([
      createInProcessBus({ db, pollIntervalMs: 60_000 }),
      createInProcessBus({ db, pollIntervalMs: 60_000 }),
    ]);
    try {
      const grouped = collector();
      const broadcast = collector();
      await a.subscribe({ subject: 'push.>', group: 'push', handler: grouped.handler });
      await a.subscribe({ subject: 'push.>', handler: broadcast.handler });
      await pause(100); // let the first (empty) claim pass, so the loops are asleep
      await b.publish('push.one', 1);
      await waitFor(() => grouped.received.length === 1 && broadcast.received.length === 1, 2_000);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe('in-process bus retention', () => {
  it('deletes messages older than maxAgeMs, so a later group does not see them', async () => {
    const { db } = await database();
    const bus = await createInProcessBus({ db, maxAgeMs: 200 });
    try {
      await bus.publish('retention.old', 'old');
      await pause(700); // the sweep runs every maxAgeMs
      await bus.publish('retention.new', 'new');
      const sink = collector();
      const sub = await bus.subscribe({ subject: 'retention.>', group: 'late', handler: sink.handler });
      await waitFor(() => sink.received.length >= 1);
      expect(sink.received.map((m) => m.data)).toEqual(['new']);
      await sub.close();
    } finally {
      await bus.close();
    }
  });
});
