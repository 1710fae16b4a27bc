// Bundle.total without overloading the database: `estimate` asks the planner (EXPLAIN, no rows
// read); `accurate` counts at most `bound` + 1 matches and, beyond the bound, answers the
// estimate and says so.
import type { SqlExecutor } from '@healthlane/store';

export interface Total {
  value: number;
  /** True when the value is the planner's estimate standing in for a count beyond the bound. */
  estimated: boolean;
}

interface PlanNode {
  Plan?: { 'Plan Rows'?: number };
}

export async function estimateTotal(
  db: SqlExecutor,
  where: string,
  params: readonly unknown[],
): Promise<number> {
  const { rows } = await db.query<Record<string, unknown>>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM records.resource r WHERE ${where}`,
    params,
  );
  const raw = rows[0] ? Object.values(rows[0])[0] : undefined;
  const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as PlanNode[] | undefined;
  return Math.max(0, Math.round(plan?.[0]?.Plan?.['Plan Rows'] ?? 0));
}

export async function boundedTotal(
  db: SqlExecutor,
  where: string,
  params: readonly unknown[],
  bound: number,
): Promise<Total> {
  const { rows } = await db.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM (SELECT 1 FROM records.resource r WHERE ${where} LIMIT ${bound + 1}) bounded`,
    params,
  );
  const count = rows[0]?.count ?? 0;
  if (count <= bound) return { value: count, estimated: false };
  return { value: Math.max(bound + 1, await estimateTotal(db, where, params)), estimated: true };
}
