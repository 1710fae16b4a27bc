// _include and _revinclude (with :iterate and *): the resources the page's matches point at, and
// those pointing at them, through the reference index; bounded in rounds and in number.
import { searchParameters } from '@healthlane/fhir';
import type { SqlExecutor } from '@healthlane/store';
import type { IncludeSpec } from './model.ts';

export interface FoundResource {
  resource_type: string;
  id: string;
  json: string;
}

/** Most included resources per page, and most :iterate rounds. */
export const maxIncluded = 1000;
const maxRounds = 4;

const key = (row: { resource_type: string; id: string }) => `${row.resource_type}/${row.id}`;

function referenceCodes(type: string): string[] {
  return [...searchParameters(type).values()]
    .filter((def) => def.type === 'reference' && def.paths.length > 0)
    .map((def) => def.code);
}

async function forward(db: SqlExecutor, spec: IncludeSpec, from: readonly FoundResource[], limit: number) {
  const found: FoundResource[] = [];
  const bySource = new Map<string, string[]>();
  for (const row of from) {
    if (spec.sourceType !== '*' && row.resource_type !== spec.sourceType) continue;
    bySource.set(row.resource_type, [...(bySource.get(row.resource_type) ?? []), row.id]);
  }
  for (const [sourceType, ids] of bySource) {
    const codes = spec.sourceType === '*' ? referenceCodes(sourceType) : spec.params.map((def) => def.code);
    const params: unknown[] = [sourceType, ids, codes];
    const target =
      spec.targetType === undefined ? '' : `AND ri.target_type = $${params.push(spec.targetType)}`;
    const { rows } = await db.query<FoundResource>(
      `SELECT r.resource_type, r.id, r.json FROM records.resource r
       JOIN (SELECT DISTINCT ri.target_type, ri.target_id FROM records.reference_index ri
             WHERE ri.resource_type = $1 AND ri.resource_id = ANY($2::text[]) AND ri.param = ANY($3::text[])
               AND ri.target_id IS NOT NULL ${target}) t
         ON r.resource_type = t.target_type AND r.id = t.target_id
       WHERE NOT r.deleted LIMIT ${limit}`,
      params,
    );
    found.push(...rows);
  }
  return found;
}

async function reverse(db: SqlExecutor, spec: IncludeSpec, from: readonly FoundResource[], limit: number) {
  const found: FoundResource[] = [];
  const byType = new Map<string, string[]>();
  for (const row of from) byType.set(row.resource_type, [...(byType.get(row.resource_type) ?? []), row.id]);
  for (const [targetType, ids] of byType) {
    if (spec.targetType !== undefined && spec.targetType !== targetType) continue;
    const { rows } = await db.query<FoundResource>(
      `SELECT r.resource_type, r.id, r.json FROM records.resource r
       WHERE r.resource_type = $1 AND NOT r.deleted AND r.id IN (
         SELECT ri.resource_id FROM records.reference_index ri
         WHERE ri.target_type = $2 AND ri.target_id = ANY($3::text[]) AND ri.resource_type = $1
           AND ri.param = ANY($4::text[]))
       LIMIT ${limit}`,
      [spec.sourceType, targetType, ids, spec.params.map((def) => def.code)],
    );
    found.push(...rows);
  }
  return found;
}

/** The included resources (not already among `matches`), and whether the bound cut them short. */
export async function readIncludes(
  db: SqlExecutor,
  matches: readonly FoundResource[],
  include: readonly IncludeSpec[],
  revinclude: readonly IncludeSpec[],
): Promise<{ included: FoundResource[]; truncated: boolean }> {
  const seen = new Set(matches.map(key));
  const included: FoundResource[] = [];
  let frontier: readonly FoundResource[] = matches;
  for (let round = 0; round < maxRounds && frontier.length > 0; round++) {
    const next: FoundResource[] = [];
    for (const [specs, read] of [
      [include, forward],
      [revinclude, reverse],
    ] as const) {
      for (const spec of specs) {
        if (round > 0 && !spec.iterate) continue;
        const room = maxIncluded - included.length;
        if (room <= 0) return { included, truncated: true };
        for (const row of await read(db, spec, frontier, room + 1)) {
          if (seen.has(key(row))) continue;
          seen.add(key(row));
          included.push(row);
          next.push(row);
        }
      }
    }
    if (included.length > maxIncluded) return { included: included.slice(0, maxIncluded), truncated: true };
    frontier = next;
  }
  return { included, truncated: false };
}
