// The page query of a search: the matching live resources of the searched types, in the sort order
// (then type and id), starting after the cursor's row, count + 1 of them (the extra one says
// whether another page follows). Also the match condition alone, for totals.
import type { SqlExecutor } from '@healthlane/store';
import { matchSql } from './criterion-sql.ts';
import { afterCondition, type Cursor, type OrderColumn, orderBy } from './keyset.ts';
import type { Criterion, SortKey } from './model.ts';
import { sortColumn } from './sort-sql.ts';
import { bind, type SqlContext } from './sql-context.ts';

export interface PageRow {
  resource_type: string;
  id: string;
  json: string;
  /** Sort-key values, as text, for the cursor. */
  keys: (string | null)[];
}

/** `r` matches: one of the searched types, live, and every criterion of its type. */
export function matchCondition(ctx: SqlContext, criteria: ReadonlyMap<string, readonly Criterion[]>): string {
  const plain: string[] = [];
  const blocks: string[] = [];
  for (const [type, list] of criteria) {
    if (list.length === 0) plain.push(type);
    else {
      const conditions = list.map((criterion) => matchSql(ctx, 'r', criterion));
      blocks.push([`r.resource_type = ${bind(ctx, type)}`, ...conditions].join(' AND '));
    }
  }
  if (plain.length === 1) blocks.push(`r.resource_type = ${bind(ctx, plain[0])}`);
  else if (plain.length > 1) blocks.push(`r.resource_type = ANY(${bind(ctx, plain, 'text[]')})`);
  const types = blocks.length === 1 ? blocks[0]! : `(${blocks.map((block) => `(${block})`).join(' OR ')})`;
  return `${types} AND NOT r.deleted`;
}

export interface PageQuery {
  criteria: ReadonlyMap<string, readonly Criterion[]>;
  sort: readonly SortKey[];
  /** Rows wanted (count + 1 is read). */
  count: number;
  cursor: Cursor | undefined;
  /** Extra condition on r (compartments), already bound in ctx. */
  extra?: string;
}

/** The page statement (its parameters are in ctx.params); also what the query-plan tests EXPLAIN. */
export function pageStatement(ctx: SqlContext, query: PageQuery): { sql: string; keyNames: string[] } {
  const sortColumns = query.sort.map((key) => sortColumn(ctx, key));
  const where = [matchCondition(ctx, query.criteria)];
  if (query.extra !== undefined) where.push(query.extra);
  const keyNames = sortColumns.map((_, index) => `k${index}`);
  const select = [
    'r.resource_type',
    'r.id',
    'r.json',
    ...sortColumns.map((column, index) => `${column.sql} AS k${index}`),
  ];
  const columns: OrderColumn[] = [
    ...sortColumns.map((column, index) => ({
      sql: keyNames[index]!,
      cast: column.cast,
      descending: column.descending,
    })),
    { sql: 'resource_type', cast: 'text', descending: false },
    { sql: 'id', cast: 'text', descending: false },
  ];
  const reversed = query.cursor?.direction === 'prev';
  // With sort keys every candidate is read anyway: OFFSET 0 keeps the subquery whole, so each key's
  // subselect runs once per row (not again for the cursor text and the keyset filter). Without
  // sort keys the query must stay flat so the (type, id) primary key feeds ORDER BY … LIMIT.
  const fence = sortColumns.length > 0 ? ' OFFSET 0' : '';
  const inner = `SELECT ${select.join(', ')} FROM records.resource r WHERE ${where.join(' AND ')}${fence}`;
  const after =
    query.cursor === undefined ? 'TRUE' : afterCondition(ctx, columns, query.cursor.values, reversed);
  const outer = ['resource_type', 'id', 'json', ...keyNames.map((name) => `${name}::text AS ${name}_text`)];
  const sql = `SELECT ${outer.join(', ')} FROM (${inner}) page WHERE ${after} ORDER BY ${orderBy(columns, reversed)} LIMIT ${query.count + 1}`;
  return { sql, keyNames };
}

export async function readPage(db: SqlExecutor, ctx: SqlContext, query: PageQuery): Promise<PageRow[]> {
  const { sql, keyNames } = pageStatement(ctx, query);
  const { rows } = await db.query<Record<string, unknown>>(sql, ctx.params);
  return rows.map((row) => ({
    resource_type: row.resource_type as string,
    id: row.id as string,
    json: row.json as string,
    keys: keyNames.map((name) => (row[`${name}_text`] as string | null) ?? null),
  }));
}
