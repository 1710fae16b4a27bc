// Read coalescing: reads by id that arrive in the same turn of the event loop (concurrent requests,
// or a Bundle's entries) go to the database as one statement instead of one round trip each. Each
// read still sees every write committed before it was asked for: the statement runs after the
// requests arrived, never from a cache.
import type { SqlExecutor } from '@healthlane/store';
import { type CurrentRow, type CurrentVersion, toCurrentVersion } from './resource-store.ts';

export type CurrentLookup = (type: string, id: string) => Promise<CurrentVersion | undefined>;

interface Row extends CurrentRow {
  resource_type: string;
  id: string;
}

interface Waiting {
  type: string;
  id: string;
  resolve: (found: CurrentVersion | undefined) => void;
  reject: (error: unknown) => void;
}

const columns = 'resource_type, id, version_id, last_updated, deleted, json';

/** `maxBatch`: most reads one statement carries (more start another at once). */
export function createReadCoalescer(db: SqlExecutor, maxBatch = 256): CurrentLookup {
  let waiting: Waiting[] = [];
  let scheduled = false;

  async function fetch(batch: readonly Waiting[]): Promise<Map<string, CurrentVersion>> {
    const types = new Set(batch.map((read) => read.type));
    const { rows } =
      types.size === 1
        ? await db.query<Row>(
            `SELECT ${columns} FROM records.resource WHERE resource_type = $1 AND id = ANY($2::text[])`,
            [batch[0]!.type, [...new Set(batch.map((read) => read.id))]],
          )
        : await db.query<Row>(
            `SELECT ${columns} FROM records.resource
              WHERE (resource_type, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
            [batch.map((read) => read.type), batch.map((read) => read.id)],
          );
    const found = new Map<string, CurrentVersion>();
    for (const row of rows) found.set(`${row.resource_type}/${row.id}`, toCurrentVersion(row));
    return found;
  }

  function flush(): void {
    scheduled = false;
    const batch = waiting;
    waiting = [];
    if (batch.length === 0) return;
    fetch(batch).then(
      (found) => {
        for (const read of batch) read.resolve(found.get(`${read.type}/${read.id}`));
      },
      (error: unknown) => {
        for (const read of batch) read.reject(error);
      },
    );
  }

  return (type, id) =>
    new Promise((resolve, reject) => {
      waiting.push({ type, id, resolve, reject });
      if (waiting.length >= maxBatch) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}
