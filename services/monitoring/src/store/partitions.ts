// Day partitions of monitoring.vital_sample: created ahead of the samples that need them, listed
// for retention. Concurrent replicas may race to create the same day; the loser's error is ignored.
import { isSqlError, type SqlExecutor } from '@healthlane/store';

const dayMs = 86_400_000;

export function dayStartMs(timeMs: number): number {
  return Math.floor(timeMs / dayMs) * dayMs;
}

export function partitionName(dayMs_: number): string {
  return `vital_sample_p${new Date(dayMs_).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** Parses a partition's day back from its name; undefined for anything else. */
export function partitionDayMs(name: string): number | undefined {
  const match = /^vital_sample_p(\d{4})(\d{2})(\d{2})$/.exec(name);
  if (!match) return undefined;
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

/** Creates the partitions for every day in [fromMs, toMs]. */
export async function ensurePartitions(db: SqlExecutor, fromMs: number, toMs: number): Promise<void> {
  for (let day = dayStartMs(fromMs); day <= toMs; day += dayMs) {
    const from = new Date(day).toISOString();
    const to = new Date(day + dayMs).toISOString();
    try {
      await db.exec(
        `CREATE TABLE IF NOT EXISTS monitoring.${partitionName(day)} PARTITION OF monitoring.vital_sample
           FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    } catch (error) {
      // 42P07 duplicate table / 23505 catalog race with another replica creating the same day.
      if (!(isSqlError(error) && (error.code === '42P07' || error.code === '23505'))) throw error;
    }
  }
}

export async function listPartitionDays(db: SqlExecutor): Promise<number[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace
      WHERE n.nspname = 'monitoring' AND p.relname = 'vital_sample'`,
  );
  return rows
    .map((row) => partitionDayMs(row.name))
    .filter((day): day is number => day !== undefined)
    .sort((a, b) => a - b);
}
