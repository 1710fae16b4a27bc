// Paired runs of the sample writer on PostgreSQL: the previous storage (primary key device first,
// every batch written with ON CONFLICT DO NOTHING) against the current one (key time first, a plain
// INSERT with the repeat fallback), alternating, each on a fresh database with the same load —
// on a machine shared with others' work, only pairs run side by side say which is faster.
//
//   node --import tsx bench/monitoring/writer-variants.ts [--pairs 3] [--seconds 6]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { migrate } from '@healthlane/store';
import { createTestPostgresDatabase } from '@healthlane/store/testing';
import type { VitalKind } from '../../services/monitoring/src/domain/vital-codes.ts';
import type { VitalSample } from '../../services/monitoring/src/domain/vital-sample.ts';
import { ensurePartitions } from '../../services/monitoring/src/store/partitions.ts';
import { createSampleWriter } from '../../services/monitoring/src/store/sample-writer.ts';
import { monitoringMigrations } from '../../services/monitoring/src/store/schema.ts';
import { recordResult } from '../lib/results.ts';

const { values } = parseArgs({
  options: { pairs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '6' } },
});
const seconds = Number(values.seconds);
const kinds: VitalKind[] = ['respiratoryRate', 'spo2', 'systolicBp', 'heartRate', 'temperature'];
const beds = 10_000;

async function run(variant: 'previous' | 'current') {
  const test = await createTestPostgresDatabase({ poolSize: 8 });
  try {
    await migrate(test.db, 'monitoring', monitoringMigrations);
    await ensurePartitions(test.db, Date.now() - 86_400_000, Date.now() + 86_400_000);
    if (variant === 'previous') {
      await test.db.exec(`ALTER TABLE monitoring.vital_sample DROP CONSTRAINT vital_sample_pkey;
        ALTER TABLE monitoring.vital_sample ADD PRIMARY KEY (device_id, kind, sample_time);`);
    }
    const writer = createSampleWriter({
      db: test.db,
      maxBatchRows: 5_000,
      maxDelayMs: 5,
      concurrency: 4,
      maxPendingRows: 2_000_000,
      // previous: one repeat up front keeps every later batch on ON CONFLICT DO NOTHING.
      repeatWindowMs: variant === 'previous' ? Number.POSITIVE_INFINITY : 10_000,
    });
    const start = Date.now() - 3_600_000;
    if (variant === 'previous') {
      const repeat: VitalSample = { deviceId: 'warm', kind: 'spo2', timeMs: start, value: 97 };
      const warm = { deviceId: 'warm', patientId: null, receivedMs: start, samples: [repeat] };
      await writer.writeDevice(warm);
      await writer.writeDevice(warm);
    }
    let written = 0;
    let tick = 0;
    const began = performance.now();
    while (performance.now() - began < seconds * 1000) {
      const calls: Promise<void>[] = [];
      for (let bed = 0; bed < beds; bed += 1) {
        const samples = kinds.map((kind, k) => ({
          deviceId: `bed-${bed}`,
          kind,
          timeMs: start + tick * 1000,
          value: 60 + k,
        }));
        calls.push(
          writer.writeDevice({
            deviceId: `bed-${bed}`,
            patientId: `p-${bed}`,
            receivedMs: Date.now(),
            samples,
          }),
        );
      }
      await Promise.all(calls);
      written += beds * kinds.length;
      tick += 1;
    }
    const elapsed = (performance.now() - began) / 1000;
    return {
      variant,
      samplesPerSecond: Math.round(written / elapsed),
      seconds: Math.round(elapsed * 100) / 100,
      load1m: Math.round(loadavg()[0]! * 100) / 100,
    };
  } finally {
    await test.drop();
  }
}

const pairs: Array<{ previous: unknown; current: unknown; ratio: number }> = [];
for (let i = 0; i < Number(values.pairs); i += 1) {
  const previous = await run('previous');
  const current = await run('current');
  const ratio = Math.round((current.samplesPerSecond / previous.samplesPerSecond) * 100) / 100;
  console.log(JSON.stringify({ previous, current, ratio }));
  pairs.push({ previous, current, ratio });
}
await recordResult(
  'monitoring-writer-variants',
  { pairs },
  'Writer only, 4 statements in flight × 5,000 rows, 10,000 beds × 5 vitals offered one simulated second at a time, durable (synchronous_commit on). ' +
    'previous = primary key (device_id, kind, sample_time) and ON CONFLICT DO NOTHING on every batch; current = primary key (sample_time, device_id, kind) and a plain INSERT (ON CONFLICT only after a repeat). ' +
    "Each pair runs back to back on fresh databases; the machine is shared with other engineers' work (see loadAverage and load1m).",
);
