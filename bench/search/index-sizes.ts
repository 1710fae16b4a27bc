// Index size per resource on PostgreSQL: every table of the records schema with its total size,
// and the search index (every table but the resource, version and outbox tables, plus the indexes
// on the resource table) divided by the number of current resources. Runs ANALYZE first.
import pg from 'pg';

export interface IndexSizes {
  resources: number;
  byType: Record<string, number>;
  tables: Record<string, { totalBytes: number; indexBytes: number }>;
  searchIndexBytes: number;
  searchIndexBytesPerResource: number;
}

const STORAGE_TABLES = new Set(['resource', 'resource_version', 'outbox']);

export async function indexSizes(databaseUrl: string): Promise<IndexSizes> {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'healthlane-bench-sizes' });
  await client.connect();
  try {
    await client.query('ANALYZE');
    const counts = await client.query<{ resource_type: string; n: number }>(
      'SELECT resource_type, count(*)::int AS n FROM records.resource WHERE NOT deleted GROUP BY resource_type',
    );
    const tables = await client.query<{ name: string; total: string; indexes: string }>(
      `SELECT c.relname AS name, pg_total_relation_size(c.oid)::text AS total, pg_indexes_size(c.oid)::text AS indexes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'records' AND c.relkind IN ('r', 'p')`,
    );
    const byType = Object.fromEntries(counts.rows.map((row) => [row.resource_type, row.n]));
    const resources = counts.rows.reduce((sum, row) => sum + row.n, 0);
    const sizes: IndexSizes['tables'] = {};
    let searchIndexBytes = 0;
    for (const row of tables.rows) {
      sizes[row.name] = { totalBytes: Number(row.total), indexBytes: Number(row.indexes) };
      if (row.name === 'resource') searchIndexBytes += Number(row.indexes);
      else if (!STORAGE_TABLES.has(row.name) && !row.name.startsWith('migration'))
        searchIndexBytes += Number(row.total);
    }
    return {
      resources,
      byType,
      tables: sizes,
      searchIndexBytes,
      searchIndexBytesPerResource: resources === 0 ? 0 : Math.round(searchIndexBytes / resources),
    };
  } finally {
    await client.end();
  }
}
