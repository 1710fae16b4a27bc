// Reads of the chained log: one AuditEvent by id, and searches over the index (newest first, keyset
// paged on the log sequence). Each record is served as the AuditEvent it holds, with meta added.
import type { SqlExecutor } from '@healthlane/store';
import type { AuditSearch } from '../domain/search-query.ts';
import { codingParams, isSystemOnly } from '../domain/search-tokens.ts';

export interface LoggedEvent {
  seq: number;
  /** The AuditEvent as served: the chained event with `meta.versionId` 1 and `meta.lastUpdated` = appended. */
  resource: Record<string, unknown>;
}

interface LogRow {
  seq: number;
  record: string;
}

function served(row: LogRow): LoggedEvent {
  const record = JSON.parse(row.record) as { id: string; appended: string; event: Record<string, unknown> };
  return {
    seq: Number(row.seq),
    resource: { ...record.event, id: record.id, meta: { versionId: '1', lastUpdated: record.appended } },
  };
}

export async function readEvent(db: SqlExecutor, id: string): Promise<LoggedEvent | undefined> {
  const { rows } = await db.query<LogRow>('SELECT seq, record FROM audit.log WHERE event_id = $1', [id]);
  return rows[0] === undefined ? undefined : served(rows[0]);
}

function likePrefix(value: string): string {
  return `${value.replace(/[\\%_]/g, '\\$&')}%`;
}

/** The page of matching events, newest first: `count + 1` at most (the extra one signals a next page). */
export async function searchEvents(db: SqlExecutor, search: AuditSearch): Promise<LoggedEvent[]> {
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  for (const token of search.tokens) {
    const param = bind(token.param);
    const coding = !token.prefix && codingParams.has(token.param);
    const exact = token.prefix ? [] : token.values.filter((value) => !(coding && isSystemOnly(value)));
    const prefixes = token.prefix
      ? token.values
      : token.values.filter((value) => coding && isSystemOnly(value));
    const alternatives = [
      ...(exact.length > 0 ? [`value = ANY(${bind(exact)}::text[])`] : []),
      ...(prefixes.length > 0 ? [`value LIKE ANY(${bind(prefixes.map(likePrefix))}::text[])`] : []),
    ];
    const match = alternatives.length === 1 ? alternatives[0] : `(${alternatives.join(' OR ')})`;
    where.push(`l.seq IN (SELECT seq FROM audit.search_token WHERE param = ${param} AND ${match})`);
  }
  for (const group of search.dates) {
    const alternatives = group.map((range) => {
      const bounds = [
        ...(range.from === undefined ? [] : [`l.recorded >= ${bind(range.from.toISOString())}::timestamptz`]),
        ...(range.to === undefined ? [] : [`l.recorded < ${bind(range.to.toISOString())}::timestamptz`]),
      ];
      const condition = bounds.length === 0 ? 'true' : bounds.join(' AND ');
      return range.negate ? `NOT (${condition})` : `(${condition})`;
    });
    where.push(`(${alternatives.join(' OR ')})`);
  }
  for (const ids of search.ids) where.push(`l.event_id = ANY(${bind(ids)}::text[])`);
  if (search.before !== undefined) where.push(`l.seq < ${bind(search.before)}`);
  const { rows } = await db.query<LogRow>(
    `SELECT l.seq, l.record FROM audit.log l
      ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY l.seq DESC LIMIT ${bind(search.count + 1)}`,
    params,
  );
  return rows.map(served);
}

export interface ChainState {
  /** Events received but not yet chained, and how long the oldest has waited. */
  pending: number;
  lagSeconds: number;
  head: { seq: number; hash: string } | undefined;
}

export async function chainState(db: SqlExecutor): Promise<ChainState> {
  const { rows } = await db.query<{ pending: number; lag: number }>(
    `SELECT count(*)::int AS pending,
            coalesce(extract(epoch FROM now() - min(received_at)), 0)::double precision AS lag
       FROM audit.inbox`,
  );
  const { rows: heads } = await db.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit.log ORDER BY seq DESC LIMIT 1',
  );
  const head = heads[0];
  return {
    pending: Number(rows[0]?.pending ?? 0),
    lagSeconds: Math.max(0, Number(rows[0]?.lag ?? 0)),
    head: head === undefined ? undefined : { seq: Number(head.seq), hash: head.hash },
  };
}
