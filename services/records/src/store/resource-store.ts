// Persistence of resource versions over the kit's SQL port (PGlite and PostgreSQL alike): the
// version log, the current-version table, the search-index rows, advisory locks and history pages.
import type { SqlExecutor, Transaction } from '@healthlane/store';
import type { IndexRows } from './index-rows.ts';
import { indexWriteCtes } from './index-write.ts';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface CurrentVersion {
  versionId: number;
  lastUpdated: Date;
  deleted: boolean;
  /** Null when the current version is a deletion. */
  json: string | null;
}

export interface VersionRecord {
  seq: number;
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: Date;
  method: WriteMethod;
  json: string | null;
}

/** Advisory-lock key spaces, so a resource lock and a criteria lock never share a key. */
const lockSpace = { resource: 1, criteria: 2 } as const;

async function advisoryLock(tx: Transaction, space: number, key: string): Promise<void> {
  // Transaction-scoped: released by COMMIT or ROLLBACK, whatever happens to the process.
  await tx.query('SELECT pg_advisory_xact_lock($1::int4, hashtext($2))', [space, key]);
}

/** Serializes writers of one resource (update-as-create included) until the transaction ends. */
export function lockResource(tx: Transaction, type: string, id: string): Promise<void> {
  return advisoryLock(tx, lockSpace.resource, `${type}/${id}`);
}

/** Serializes conditional writes with the same (type, normalized criteria) until the transaction ends. */
export function lockCriteria(tx: Transaction, type: string, normalized: string): Promise<void> {
  return advisoryLock(tx, lockSpace.criteria, `${type}?${normalized}`);
}

/** A `records.resource` row's version columns. */
export interface CurrentRow {
  version_id: number;
  last_updated: Date;
  deleted: boolean;
  json: string | null;
}

export function toCurrentVersion(row: CurrentRow): CurrentVersion {
  return { versionId: row.version_id, lastUpdated: row.last_updated, deleted: row.deleted, json: row.json };
}

export async function currentVersion(
  db: SqlExecutor,
  type: string,
  id: string,
): Promise<CurrentVersion | undefined> {
  const { rows } = await db.query<CurrentRow>(
    'SELECT version_id, last_updated, deleted, json FROM records.resource WHERE resource_type = $1 AND id = $2',
    [type, id],
  );
  const row = rows[0];
  return row && toCurrentVersion(row);
}

const versionColumns = 'seq, resource_type, id, version_id, last_updated, method, json';

interface VersionRow {
  seq: number;
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date;
  method: WriteMethod;
  json: string | null;
}

function toRecord(row: VersionRow): VersionRecord {
  return {
    seq: row.seq,
    resourceType: row.resource_type,
    id: row.id,
    versionId: row.version_id,
    lastUpdated: row.last_updated,
    method: row.method,
    json: row.json,
  };
}

export async function versionAt(
  db: SqlExecutor,
  type: string,
  id: string,
  versionId: number,
): Promise<VersionRecord | undefined> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${versionColumns} FROM records.resource_version WHERE resource_type = $1 AND id = $2 AND version_id = $3`,
    [type, id, versionId],
  );
  return rows[0] && toRecord(rows[0]);
}

export interface NewVersion {
  type: string;
  id: string;
  versionId: number;
  lastUpdated: Date;
  method: WriteMethod;
  /** The serialized resource; null for a deletion. */
  json: string | null;
}

/**
 * Appends a version, makes it current and replaces its search-index rows, in ONE statement (one
 * round trip): the CTEs share one snapshot, so each DELETE sees only the old index rows and never
 * the ones inserted beside it. `index` null clears the rows (a deletion); `fresh` (a create with a
 * server-assigned id) skips the deletes. Call with the resource locked.
 */
export async function writeVersion(
  tx: Transaction,
  version: NewVersion,
  index: IndexRows | null,
  fresh = false,
  /** More data-modifying statements for the same round trip (the write's events); push their parameters. */
  extra?: (params: unknown[]) => string[],
): Promise<void> {
  const params: unknown[] = [
    version.type,
    version.id,
    version.versionId,
    version.lastUpdated,
    version.method,
    version.json,
  ];
  const ctes = [
    `appended AS (
       INSERT INTO records.resource_version (resource_type, id, version_id, last_updated, method, json)
       VALUES ($1, $2, $3, $4, $5, $6)
     )`,
    `made_current AS (
       INSERT INTO records.resource (resource_type, id, version_id, last_updated, deleted, json)
       VALUES ($1, $2, $3, $4, $5 = 'DELETE', $6)
       ON CONFLICT (resource_type, id) DO UPDATE
         SET version_id = EXCLUDED.version_id, last_updated = EXCLUDED.last_updated,
             deleted = EXCLUDED.deleted, json = EXCLUDED.json
     )`,
    ...indexWriteCtes(index, fresh, '$1::text', '$2::text', params),
    ...(extra?.(params) ?? []).map((sql, n) => `event_${n} AS (${sql})`),
  ];
  await tx.query(`WITH ${ctes.join(',\n')} SELECT 1`, params);
}

export interface HistoryQuery {
  type?: string;
  id?: string;
  /** Only versions written at or after this instant. */
  since?: Date;
  /** Keyset cursor: only versions with a smaller sequence (older) than this. */
  before?: number;
  count: number;
}

/** Up to `count + 1` versions, newest first (the extra one tells whether a next page exists). */
export async function historyPage(db: SqlExecutor, query: HistoryQuery): Promise<VersionRecord[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (query.type !== undefined) where.push(`resource_type = $${params.push(query.type)}`);
  if (query.id !== undefined) where.push(`id = $${params.push(query.id)}`);
  if (query.since !== undefined) where.push(`last_updated >= $${params.push(query.since)}`);
  if (query.before !== undefined) where.push(`seq < $${params.push(query.before)}`);
  const { rows } = await db.query<VersionRow>(
    `SELECT ${versionColumns} FROM records.resource_version
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY seq DESC LIMIT $${params.push(query.count + 1)}`,
    params,
  );
  return rows.map(toRecord);
}

/** How many resources (live or deleted) the store holds; the demo loader runs only on an empty store. */
export async function countResources(db: SqlExecutor): Promise<number> {
  const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM records.resource');
  return rows[0]?.count ?? 0;
}
