// Reads a statement's query plan (EXPLAIN, JSON) and lists the records tables it reads with a
// sequential scan; optionally with sequential scans priced out, so any left mean no index can serve.
import type { Database } from '@healthlane/store';

interface PlanNode {
  'Node Type'?: string;
  'Relation Name'?: string;
  Schema?: string;
  Plans?: PlanNode[];
}

function collect(node: PlanNode, out: string[]): void {
  if (node['Node Type'] === 'Seq Scan' && node['Relation Name'] !== undefined)
    out.push(node['Relation Name']);
  for (const child of node.Plans ?? []) collect(child, out);
}

export async function planOf(
  db: Database,
  sql: string,
  params: readonly unknown[],
  options: { seqscanOff?: boolean } = {},
): Promise<PlanNode> {
  return db.transaction(async (tx) => {
    if (options.seqscanOff) await tx.query('SET LOCAL enable_seqscan = off');
    const { rows } = await tx.query<Record<string, unknown>>(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    const raw = Object.values(rows[0]!)[0];
    const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    return plan[0]!.Plan;
  });
}

/** Names of the tables the plan reads sequentially. */
export async function seqScansOn(
  db: Database,
  sql: string,
  params: readonly unknown[],
  options: { seqscanOff?: boolean } = {},
): Promise<string[]> {
  const tables: string[] = [];
  collect(await planOf(db, sql, params, options), tables);
  return tables;
}
