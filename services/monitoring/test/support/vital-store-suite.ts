// The vitals store contract, run on PGlite (vital-store.test.ts) and PostgreSQL
// (vital-store.int.test.ts): day partitions, durable batched writes storing a repeated sample once,
// series by range and resolution, and retention that rolls raw days up before dropping them.
import { migrate } from '@healthlane/store';
import type { TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions, listPartitionDays, partitionName } from '../../src/store/partitions.ts';
import { applyRetention } from '../../src/store/retention.ts';
import { createSampleWriter, type StoredSample } from '../../src/store/sample-writer.ts';
import { monitoringMigrations } from '../../src/store/schema.ts';
import { querySeries } from '../../src/store/series-query.ts';

const day = 86_400_000;
const now = Date.parse('2026-12-01T12:00:00Z');
export function vitalStoreSuite(open: () => Promise<TestDatabase>): void {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await open();
    await migrate(test.db, 'monitoring', monitoringMigrations);
    await ensurePartitions(test.db, now - 10 * day, now + 2 * day);
  });
  afterAll(() => test.drop());

  function sample(overrides: Partial<StoredSample>): StoredSample {
    return {
      deviceId: 'dev-1',
      kind: 'heartRate',
      timeMs: now,
      patientId: 'p1',
      value: 70,
      state: null,
      receivedMs: now,
      ...overrides,
    };
  }

  describe('vital store', () => {
    it('creates one partition per day, idempotently', async () => {
      await ensurePartitions(test.db, now - 10 * day, now + 2 * day);
      const days = await listPartitionDays(test.db);
      expect(days).toHaveLength(13);
      expect(partitionName(days[0] as number)).toBe('vital_sample_p20261121');
    });

    it('writes concurrent batches durably and stores a repeated (device, time, kind) once', async () => {
      const flushes: number[] = [];
      const writer = createSampleWriter({
        db: test.db,
        maxBatchRows: 50,
        maxDelayMs: 1,
        concurrency: 1,
        maxPendingRows: 10_000,
        onFlush: (rows) => flushes.push(rows),
      });
      const rows = Array.from({ length: 120 }, (_, i) =>
        sample({ timeMs: now - i * 1000, value: 60 + (i % 30) }),
      );
      await Promise.all([
        writer.write(rows.slice(0, 60)),
        writer.write(rows.slice(60)),
        writer.write(rows.slice(0, 10)),
      ]);
      const { rows: counted } = await test.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM monitoring.vital_sample WHERE device_id = 'dev-1'",
      );
      expect(counted[0]?.n).toBe(120);
      expect(flushes.length).toBeGreaterThanOrEqual(2);
      expect(writer.pending()).toBe(0);
    });

    it('a batch holding repeats (alone or beside new samples) stores the new ones and each repeat once', async () => {
      for (const repeatWindowMs of [0, 60_000]) {
        const writer = createSampleWriter({
          db: test.db,
          maxBatchRows: 100,
          maxDelayMs: 1,
          concurrency: 1,
          maxPendingRows: 1_000,
          repeatWindowMs,
        });
        const device = `dev-repeat-${repeatWindowMs}`;
        const at = (o: Partial<StoredSample>) => sample({ deviceId: device, patientId: device, ...o });
        const first = [at({}), at({ kind: 'spo2' })];
        await writer.write(first);
        // Repeats beside a new sample, then repeats alone, then new samples again.
        await writer.write([...first, at({ timeMs: now - 1000 })]);
        await writer.write(first);
        await writer.write([at({ timeMs: now - 2000 })]);
        const { rows } = await test.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM monitoring.vital_sample WHERE device_id = $1',
          [device],
        );
        expect(rows[0]?.n).toBe(4);
      }
    });

    it('refuses writes beyond its pending bound without storing them', async () => {
      const writer = createSampleWriter({
        db: test.db,
        maxBatchRows: 10,
        maxDelayMs: 1,
        concurrency: 1,
        maxPendingRows: 5,
      });
      await expect(
        writer.write(Array.from({ length: 6 }, (_, i) => sample({ deviceId: 'full', timeMs: now - i }))),
      ).rejects.toThrow(/full/);
    });

    it('answers raw and bucketed series for a patient and range', async () => {
      const raw = await querySeries(test.db, {
        patientId: 'p1',
        kinds: ['heartRate'],
        fromMs: now - 5_000,
        toMs: now + 1,
        resolution: 'raw',
        limit: 100,
      });
      expect(raw.map((p) => p.time)).toEqual(
        [5, 4, 3, 2, 1, 0].map((s) => new Date(now - s * 1000).toISOString()),
      );
      const minutes = await querySeries(test.db, {
        patientId: 'p1',
        kinds: ['heartRate'],
        fromMs: now - 120_000,
        toMs: now + 1,
        resolution: '1m',
        limit: 100,
      });
      expect(minutes.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(120);
      const first = minutes[0];
      expect(first?.min).toBeLessThanOrEqual(first?.value ?? 0);
      expect(first?.max).toBeGreaterThanOrEqual(first?.value ?? 0);
    });

    it('rolls expired raw days up into minute buckets, drops them, and still answers the series', async () => {
      const old = now - 8 * day;
      const writer = createSampleWriter({
        db: test.db,
        maxBatchRows: 100,
        maxDelayMs: 1,
        concurrency: 1,
        maxPendingRows: 1000,
      });
      await writer.write([
        sample({ deviceId: 'old', timeMs: old, value: 50 }),
        sample({ deviceId: 'old', timeMs: old + 10_000, value: 70 }),
        sample({ deviceId: 'old', timeMs: old + 70_000, value: 90 }),
      ]);
      const result = await applyRetention(test.db, now, { rawDays: 7, rollupDays: 365 });
      expect(result.droppedPartitions).toBe(3); // days -10, -9, -8
      expect(await listPartitionDays(test.db)).toHaveLength(10);
      const series = await querySeries(test.db, {
        patientId: 'p1',
        kinds: ['heartRate'],
        fromMs: old - 60_000,
        toMs: old + 120_000,
        resolution: '1m',
        limit: 10,
      });
      expect(series.map((p) => [p.count, p.min, p.max, p.value])).toEqual([
        [2, 50, 70, 60],
        [1, 90, 90, 90],
      ]);
      const later = await applyRetention(test.db, now + 400 * day, { rawDays: 7, rollupDays: 365 });
      expect(later.deletedRollups).toBeGreaterThanOrEqual(2);
    });
  });

  describe('vital store upgrade', () => {
    it('re-keys the samples time first with partitions and rows in place; a repeat is still stored once', async () => {
      const old = await open();
      try {
        await migrate(old.db, 'monitoring', monitoringMigrations.slice(0, 1));
        await ensurePartitions(old.db, now - day, now + day);
        const writer = createSampleWriter({
          db: old.db,
          maxBatchRows: 100,
          maxDelayMs: 1,
          concurrency: 1,
          maxPendingRows: 1_000,
        });
        const rows = [sample({}), sample({ timeMs: now - day + 1000 }), sample({ kind: 'spo2', value: 97 })];
        await writer.write(rows);
        await migrate(old.db, 'monitoring', monitoringMigrations);
        const { rows: key } = await old.db.query<{ columns: string }>(
          `SELECT string_agg(a.attname, ',' ORDER BY k.n) AS columns
             FROM pg_index i
             JOIN pg_class c ON c.oid = i.indrelid
             JOIN pg_namespace ns ON ns.oid = c.relnamespace
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE ns.nspname = 'monitoring' AND c.relname = 'vital_sample' AND i.indisprimary
            GROUP BY i.indexrelid`,
        );
        expect(key).toEqual([{ columns: 'sample_time,device_id,kind' }]);
        await writer.write([...rows, sample({ timeMs: now + 1000 })]);
        const { rows: counted } = await old.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM monitoring.vital_sample',
        );
        expect(counted[0]?.n).toBe(4);
      } finally {
        await old.drop();
      }
    });
  });
}
