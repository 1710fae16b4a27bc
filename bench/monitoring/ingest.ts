// Durable ingest throughput of monitoring's sample writer: multi-row INSERT … SELECT FROM unnest(…)
// into the day-partitioned vital_sample table (a plain INSERT; a batch the key refuses is written
// again with ON CONFLICT DO NOTHING), each batch committed before its callers are told — on PGlite
// and PostgreSQL. Two layers are measured: the writer alone (the
// storage ceiling) and the whole ingest pipeline without HTTP (validation, patient window, NEWS2,
// alert rules, then the writer). Bounded by time; loopback only; a fresh database each run.
//
//   node --import tsx bench/monitoring/ingest.ts [--seconds 10] [--backends pglite,postgres]
import { parseArgs } from 'node:util';
import { type Database, migrate } from '@healthlane/store';
import {
  createTestPgliteDatabase,
  createTestPostgresDatabase,
  type TestDatabase,
} from '@healthlane/store/testing';
import { pino } from 'pino';
import { createAlertEngine } from '../../services/monitoring/src/alerts/alert-engine.ts';
import { createDeviceDirectory } from '../../services/monitoring/src/devices/device-directory.ts';
import type { VitalKind } from '../../services/monitoring/src/domain/vital-codes.ts';
import type { VitalSample } from '../../services/monitoring/src/domain/vital-sample.ts';
import { createIngestPipeline } from '../../services/monitoring/src/ingest/ingest-pipeline.ts';
import { createLiveHub } from '../../services/monitoring/src/live/live-hub.ts';
import { createPatientSettingsStore } from '../../services/monitoring/src/patients/patient-settings.ts';
import { createPatientMonitor } from '../../services/monitoring/src/scoring/patient-monitor.ts';
import { ensurePartitions } from '../../services/monitoring/src/store/partitions.ts';
import { createSampleWriter } from '../../services/monitoring/src/store/sample-writer.ts';
import { monitoringMigrations } from '../../services/monitoring/src/store/schema.ts';
import { recordResult } from '../lib/results.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    backends: { type: 'string', default: 'pglite,postgres' },
  },
});
const seconds = Number(values.seconds);
const backends = (values.backends ?? '').split(',');
const beds = 10_000;
const kinds: VitalKind[] = ['respiratoryRate', 'spo2', 'systolicBp', 'heartRate', 'temperature'];
const codes = ['9279-1', '59408-5', '8480-6', '8867-4', '8310-5'];

async function open(backend: string): Promise<TestDatabase> {
  const test =
    backend === 'postgres'
      ? await createTestPostgresDatabase({ poolSize: 8 })
      : await createTestPgliteDatabase();
  await migrate(test.db, 'monitoring', monitoringMigrations);
  await ensurePartitions(test.db, Date.now() - 86_400_000, Date.now() + 86_400_000);
  return test;
}

/** Writer only: `inFlight` concurrent callers each writing one bed-second (5 rows) at a time, like devices. */
async function writerRun(db: Database, concurrency: number, batchRows: number) {
  const writer = createSampleWriter({
    db,
    maxBatchRows: batchRows,
    maxDelayMs: 5,
    concurrency,
    maxPendingRows: 2_000_000,
  });
  const start = Date.now() - 3_600_000;
  let written = 0;
  let tick = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  // Offer one simulated second of 10,000 beds at a time (50,000 rows in 10,000 calls), wait, repeat.
  while (performance.now() < deadline) {
    const calls: Promise<void>[] = [];
    for (let bed = 0; bed < beds; bed += 1) {
      // As the pipeline hands them over: one device batch, the samples as validated.
      const samples: VitalSample[] = kinds.map((kind, k) => ({
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
    layer: 'writer',
    concurrency,
    batchRows,
    samples: written,
    seconds: round(elapsed),
    samplesPerSecond: Math.round(written / elapsed),
  };
}

/** The whole ingest pipeline minus HTTP: validation, window, NEWS2, rules, durable write. */
async function pipelineRun(db: Database, concurrency: number, batchRows: number) {
  const clock = { now: () => new Date() };
  const logger = pino({ level: 'silent' });
  const hub = createLiveHub({ maxBufferedBytes: 1 << 22 });
  const directory = createDeviceDirectory(db);
  await db.transaction(async (tx) => {
    for (let bed = 0; bed < beds; bed += 1) {
      await directory.apply(tx, `bed-${bed}`, '1', {
        resourceType: 'Device',
        patient: { reference: `Patient/p-${bed}` },
      });
    }
  });
  const settings = createPatientSettingsStore(db);
  const alerts = createAlertEngine({
    db,
    outbox: { enqueue: async () => 'x', kick: () => {} },
    clock,
    policy: {
      escalation: [{ role: 'nurse', afterMs: 60_000 }],
      clearAfterMs: 60_000,
      suppressAfterResolveMs: 300_000,
    },
    hub,
    wardOf: () => undefined,
    newId: () => crypto.randomUUID(),
    logger,
  });
  const monitor = createPatientMonitor({
    clock,
    window: { vitalMaxAgeMs: 900_000, observationMaxAgeMs: 43_200_000 },
    alerts,
    hub,
    settings,
    wardOf: () => undefined,
    silentAfterMs: 30_000,
  });
  const writer = createSampleWriter({
    db,
    maxBatchRows: batchRows,
    maxDelayMs: 5,
    concurrency,
    maxPendingRows: 2_000_000,
  });
  const pipeline = createIngestPipeline({
    clock,
    directory,
    monitor,
    writer,
    maxLatenessMs: 86_400_000,
    maxClockSkewMs: 300_000,
  });
  const base = Date.now() - 3_000_000;
  let written = 0;
  let tick = 0;
  const began = performance.now();
  const deadline = began + seconds * 1000;
  while (performance.now() < deadline) {
    const time = new Date(base + tick * 1000).toISOString();
    const calls: Promise<unknown>[] = [];
    for (let bed = 0; bed < beds; bed += 1) {
      const body = JSON.parse(
        JSON.stringify({
          device: `bed-${bed}`,
          samples: codes.map((code, k) => ({ code, time, value: [16, 97, 120, 70, 37][k] })),
        }),
      );
      calls.push(pipeline.ingest(body));
    }
    await Promise.all(calls);
    written += beds * codes.length;
    tick += 1;
  }
  const elapsed = (performance.now() - began) / 1000;
  return {
    layer: 'pipeline (parse JSON, validate, window, NEWS2, rules, write; no HTTP)',
    concurrency,
    batchRows,
    samples: written,
    seconds: round(elapsed),
    samplesPerSecond: Math.round(written / elapsed),
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
const figures: Record<string, unknown[]> = {};
for (const backend of backends) {
  const runs: unknown[] = [];
  const configs =
    backend === 'postgres'
      ? [
          [4, 5_000],
          [2, 10_000],
          [8, 2_500],
        ]
      : [
          [1, 5_000],
          [1, 10_000],
        ];
  for (const [concurrency, batchRows] of configs as Array<[number, number]>) {
    const test = await open(backend);
    try {
      const result = await writerRun(test.db, concurrency, batchRows);
      console.log(backend, JSON.stringify(result));
      runs.push(result);
    } finally {
      await test.drop();
    }
  }
  const [concurrency, batchRows] = (configs[0] ?? [1, 5_000]) as [number, number];
  const test = await open(backend);
  try {
    const result = await pipelineRun(test.db, concurrency, batchRows);
    console.log(backend, JSON.stringify(result));
    runs.push(result);
  } finally {
    await test.drop();
  }
  figures[backend] = runs;
}
await recordResult(
  'monitoring-ingest',
  figures,
  'Durable: every batch is a committed multi-row INSERT (synchronous_commit on, logged partitioned table, primary key (time, device, kind) + patient index). ' +
    'The load is 10,000 beds x 5 vitals offered one simulated second at a time (50,000 rows in 10,000 write calls), repeated until the time is up. ' +
    "Machine shared with other engineers' builds and tests (2 cores): see loadAverage.",
);
