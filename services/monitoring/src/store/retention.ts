// Retention with downsampling: a raw day partition older than the raw retention is rolled up into
// one-minute buckets and dropped in one transaction; rollups older than their retention are deleted.
import type { Database } from '@healthlane/store';
import { listPartitionDays, partitionName } from './partitions.ts';

const dayMs = 86_400_000;

export interface RetentionPolicy {
  rawDays: number;
  rollupDays: number;
}

export interface RetentionResult {
  droppedPartitions: number;
  deletedRollups: number;
}

export async function applyRetention(
  db: Database,
  nowMs: number,
  policy: RetentionPolicy,
): Promise<RetentionResult> {
  const rawCutoff = nowMs - policy.rawDays * dayMs;
  let droppedPartitions = 0;
  for (const day of await listPartitionDays(db)) {
    if (day + dayMs > rawCutoff) continue; // the partition still holds samples inside the raw window
    const table = `monitoring.${partitionName(day)}`;
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO monitoring.vital_rollup_1m (patient_id, kind, minute, n, min, max, sum)
         SELECT patient_id, kind, date_trunc('minute', sample_time), count(*), min(value), max(value), sum(value)
           FROM ${table} WHERE patient_id IS NOT NULL
          GROUP BY patient_id, kind, date_trunc('minute', sample_time)
         ON CONFLICT (patient_id, kind, minute) DO UPDATE SET
           n = vital_rollup_1m.n + excluded.n,
           min = least(vital_rollup_1m.min, excluded.min),
           max = greatest(vital_rollup_1m.max, excluded.max),
           sum = vital_rollup_1m.sum + excluded.sum`,
      );
      await tx.exec(`DROP TABLE ${table}`);
    });
    droppedPartitions += 1;
  }
  const { rowCount } = await db.query('DELETE FROM monitoring.vital_rollup_1m WHERE minute < $1', [
    new Date(nowMs - policy.rollupDays * dayMs),
  ]);
  return { droppedPartitions, deletedRollups: rowCount };
}
