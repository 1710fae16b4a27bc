// Re-indexing at start: when the stored index was built by older extraction rules (or before the
// search index existed), every current resource's index rows are rebuilt, in batches, each
// resource under its write lock, then the rules' version is recorded.
import type { Database } from '@healthlane/store';
import { indexRowsOf } from './index-rows.ts';
import { indexWriteCtes } from './index-write.ts';
import { lockResource } from './resource-store.ts';

/** Bump whenever extraction or the index tables change meaning: the next start re-indexes. */
export const searchIndexVersion = 3;

const batchSize = 200;

async function storedVersion(db: Database): Promise<number> {
  const { rows } = await db.query<{ version: number }>('SELECT version FROM records.search_index_state');
  return rows[0]?.version ?? 0;
}

/** Rebuilds the search index when it is out of date; returns how many resources were re-indexed. */
export async function reindexIfNeeded(db: Database): Promise<number> {
  if ((await storedVersion(db)) === searchIndexVersion) return 0;
  let after: [string, string] = ['', ''];
  let count = 0;
  for (;;) {
    const { rows } = await db.query<{ resource_type: string; id: string }>(
      `SELECT resource_type, id FROM records.resource WHERE NOT deleted AND (resource_type, id) > ($1, $2)
       ORDER BY resource_type, id LIMIT ${batchSize}`,
      after,
    );
    if (rows.length === 0) break;
    await db.transaction(async (tx) => {
      for (const row of rows) {
        await lockResource(tx, row.resource_type, row.id);
        const current = await tx.query<{ json: string | null }>(
          'SELECT json FROM records.resource WHERE resource_type = $1 AND id = $2',
          [row.resource_type, row.id],
        );
        const json = current.rows[0]?.json;
        const index = json == null ? null : indexRowsOf(JSON.parse(json) as { resourceType: string });
        const params: unknown[] = [row.resource_type, row.id];
        const ctes = indexWriteCtes(index, false, '$1::text', '$2::text', params);
        await tx.query(`WITH ${ctes.join(',\n')} SELECT 1`, params);
      }
    });
    count += rows.length;
    const last = rows.at(-1)!;
    after = [last.resource_type, last.id];
  }
  await db.query(
    `INSERT INTO records.search_index_state (singleton, version) VALUES (true, $1)
     ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version`,
    [searchIndexVersion],
  );
  return count;
}
