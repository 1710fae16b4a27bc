// A patient's vital-sign series over a time range: raw samples, or buckets (count/min/max/mean) at
// a coarser resolution, drawn from raw partitions and the one-minute rollups of expired days alike.
import type { SqlExecutor } from '@healthlane/store';

export type Resolution = 'raw' | '1m' | '5m' | '1h' | '1d';

export const resolutions: readonly Resolution[] = ['raw', '1m', '5m', '1h', '1d'];

const bucketSeconds: Record<Exclude<Resolution, 'raw'>, number> = {
  '1m': 60,
  '5m': 300,
  '1h': 3600,
  '1d': 86400,
};

export interface SeriesQuery {
  patientId: string;
  kinds: readonly string[];
  fromMs: number;
  toMs: number;
  resolution: Resolution;
  limit: number;
}

export interface SeriesPoint {
  kind: string;
  time: string;
  value: number;
  state?: string;
  count?: number;
  min?: number;
  max?: number;
}

export async function querySeries(db: SqlExecutor, query: SeriesQuery): Promise<SeriesPoint[]> {
  const from = new Date(query.fromMs);
  const to = new Date(query.toMs);
  if (query.resolution === 'raw') {
    const { rows } = await db.query<{ kind: string; sample_time: Date; value: number; state: string | null }>(
      `SELECT kind, sample_time, value, state FROM monitoring.vital_sample
        WHERE patient_id = $1 AND kind = ANY($2::text[]) AND sample_time >= $3 AND sample_time < $4
        ORDER BY kind, sample_time LIMIT $5`,
      [query.patientId, query.kinds, from, to, query.limit],
    );
    return rows.map((row) => ({
      kind: row.kind,
      time: row.sample_time.toISOString(),
      value: row.value,
      ...(row.state === null ? {} : { state: row.state }),
    }));
  }
  const seconds = bucketSeconds[query.resolution];
  const { rows } = await db.query<{
    kind: string;
    bucket: Date;
    n: number;
    min: number;
    max: number;
    sum: number;
  }>(
    `WITH points AS (
       SELECT kind, sample_time AS t, 1 AS n, value AS min, value AS max, value AS sum
         FROM monitoring.vital_sample
        WHERE patient_id = $1 AND kind = ANY($2::text[]) AND sample_time >= $3 AND sample_time < $4
       UNION ALL
       SELECT kind, minute, n, min, max, sum FROM monitoring.vital_rollup_1m
        WHERE patient_id = $1 AND kind = ANY($2::text[]) AND minute >= $3 AND minute < $4
     )
     SELECT kind, to_timestamp(floor(extract(epoch FROM t) / $5) * $5) AS bucket,
            sum(n)::integer AS n, min(min) AS min, max(max) AS max, sum(sum) AS sum
       FROM points GROUP BY kind, bucket ORDER BY kind, bucket LIMIT $6`,
    [query.patientId, query.kinds, from, to, seconds, query.limit],
  );
  return rows.map((row) => ({
    kind: row.kind,
    time: row.bucket.toISOString(),
    value: row.sum / row.n,
    count: row.n,
    min: row.min,
    max: row.max,
  }));
}
