// The bus and outbox contracts on NATS JetStream (shared server, a throwaway stream per suite) and
// PostgreSQL (a throwaway database).
import { randomUUID } from 'node:crypto';
import { createTestPgliteDatabase, createTestPostgresDatabase } from '@healthlane/store/testing';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { openBus } from '../src/index.ts';
import { createTestNatsBus, testNatsUrl } from '../src/testing.ts';
import { busContract } from './contract/bus-contract.ts';
import { outboxContract } from './contract/outbox-contract.ts';

busContract('NATS JetStream', async () => {
  const nats = await createTestNatsBus();
  let first = true;
  return {
    // The first bus is the helper's own; later ones are replicas on the same stream.
    open: async () => {
      if (!first) return nats.open();
      first = false;
      return nats.bus;
    },
    teardown: () => nats.drop(),
  };
});

outboxContract('PostgreSQL + NATS JetStream', async () => {
  const [pg, nats] = await Promise.all([createTestPostgresDatabase(), createTestNatsBus()]);
  return {
    db: pg.db,
    bus: nats.bus,
    teardown: async () => {
      await nats.drop();
      await pg.drop();
    },
  };
});

describe('openBus', () => {
  it('opens the NATS adapter when a URL is configured', async () => {
    const suffix = randomUUID().slice(0, 8);
    const pg = await createTestPgliteDatabase();
    const bus = await openBus({
      natsUrl: testNatsUrl(),
      db: pg.db,
      stream: `HL_OPEN_${suffix}`,
      subjectPrefix: `open${suffix}`,
    });
    try {
      expect(bus.kind).toBe('nats');
      await bus.ping();
    } finally {
      await bus.close();
      await pg.drop();
      const nc = await connect({ servers: testNatsUrl() });
      await (await jetstreamManager(nc)).streams.delete(`HL_OPEN_${suffix}`);
      await nc.close();
    }
  });

  it('stores the stream on as many servers as NATS_STREAM_REPLICAS asks (one server here: 1 works, 3 is refused)', async () => {
    const suffix = randomUUID().slice(0, 8);
    const stream = `HL_REPLICAS_${suffix}`;
    const pg = await createTestPgliteDatabase();
    const nc = await connect({ servers: testNatsUrl() });
    const jsm = await jetstreamManager(nc);
    try {
      const single = await openBus({
        natsUrl: testNatsUrl(),
        db: pg.db,
        stream,
        subjectPrefix: `rep${suffix}`,
        streamReplicas: 1,
      });
      await single.close();
      expect((await jsm.streams.info(stream)).config.num_replicas).toBe(1);
      await jsm.streams.delete(stream);
      // A single server cannot keep three replicas: the setting reached JetStream.
      await expect(
        openBus({
          natsUrl: testNatsUrl(),
          db: pg.db,
          stream,
          subjectPrefix: `rep${suffix}`,
          streamReplicas: 3,
        }),
      ).rejects.toThrow(/replica|cluster|resources/i);
    } finally {
      await jsm.streams.delete(stream).catch(() => false);
      await nc.close();
      await pg.drop();
    }
  });
});
