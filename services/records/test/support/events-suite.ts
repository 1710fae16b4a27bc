// Events through the transactional outbox, written once and run on PGlite (events.test.ts) and
// PostgreSQL (records.int.test.ts): a committed write publishes exactly one small event, a
// rolled-back one publishes nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Bus,
  createOutbox,
  type DeliveredMessage,
  type Outbox,
  type Subscription,
} from '@healthlane/bus';
import type { Database } from '@healthlane/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecordsResourceService, type RecordsResourceService } from '../../src/index.ts';
import { testClock } from './records-app.ts';

const ctx = { baseUrl: 'http://test/fhir/R4' };

export function eventsSuite(context: () => { db: Database; bus: Bus }): void {
  let outbox: Outbox;
  let service: RecordsResourceService;
  let subscription: Subscription;
  const received: DeliveredMessage[] = [];
  let next = 0;

  beforeAll(async () => {
    const { db, bus } = context();
    outbox = createOutbox({ db, bus, schema: 'records', pollIntervalMs: 50 });
    await outbox.migrate();
    outbox.start();
    service = createRecordsResourceService({
      db,
      outbox,
      clock: testClock(),
      newId: () => `ev-${++next}`,
      maxJsonDepth: 64,
    });
    subscription = await bus.subscribe({
      subject: 'fhir.>',
      handler: async (message) => void received.push(message),
    });
  });
  afterAll(async () => {
    await subscription?.close();
    await outbox?.stop();
  });

  const eventsFor = (id: string) => received.filter((message) => (message.data as { id: string }).id === id);
  async function waitFor(id: string, count: number): Promise<void> {
    for (let i = 0; i < 200 && eventsFor(id).length < count; i++) await sleep(25);
    // A little longer, so that a duplicate would have arrived too.
    await sleep(150);
  }

  describe('events via the outbox', () => {
    it('publishes exactly one small event per committed write', async () => {
      const created = await service.inTransaction((tx) =>
        service.create(tx, ctx, 'Patient', { resourceType: 'Patient' }),
      );
      const id = created.resource.id;
      await waitFor(id, 1);
      expect(eventsFor(id).map((message) => [message.subject, message.data])).toEqual([
        ['fhir.Patient.created', { resourceType: 'Patient', id, versionId: '1' }],
      ]);
      await service.inTransaction((tx) =>
        service.update(tx, ctx, 'Patient', id, { resourceType: 'Patient', id, active: true }),
      );
      await service.inTransaction((tx) => service.delete(tx, ctx, 'Patient', id));
      await waitFor(id, 3);
      expect(eventsFor(id).map((message) => message.subject)).toEqual([
        'fhir.Patient.created',
        'fhir.Patient.updated',
        'fhir.Patient.deleted',
      ]);
    });

    it('publishes nothing and stores nothing for a rolled-back write', async () => {
      let rolledBack = '';
      await expect(
        service.inTransaction(async (tx) => {
          rolledBack = (await service.create(tx, ctx, 'Patient', { resourceType: 'Patient' })).resource.id;
          throw new Error('abandon the transaction');
        }),
      ).rejects.toThrow('abandon the transaction');
      const marker = await service.inTransaction((tx) =>
        service.create(tx, ctx, 'Patient', { resourceType: 'Patient' }),
      );
      await waitFor(marker.resource.id, 1);
      expect(eventsFor(marker.resource.id)).toHaveLength(1);
      expect(eventsFor(rolledBack)).toHaveLength(0);
      const stored = await context().db.query('SELECT 1 FROM records.resource WHERE id = $1', [rolledBack]);
      expect(stored.rowCount).toBe(0);
    });

    it('publishes nothing for a write the validator refuses', async () => {
      await expect(
        service.inTransaction((tx) =>
          service.create(tx, ctx, 'Patient', { resourceType: 'Patient', gender: 7 }),
        ),
      ).rejects.toMatchObject({ kind: 'invalid' });
      const { rows } = await context().db.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM records.outbox WHERE data LIKE '%ev-' || $1 || '%'",
        [String(next)],
      );
      expect(rows[0]!.count).toBe(0);
    });
  });
}
