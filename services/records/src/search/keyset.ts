// Keyset paging: a cursor is the sort-key values of the row a page starts after (next) or before
// (prev), so deep pages cost what the first does and pages stay stable while writes continue.
import { invalidSearch } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';

export interface Cursor {
  direction: 'next' | 'prev';
  /** The sort-key values, then resource_type and id. */
  values: (string | null)[];
}

export interface OrderColumn {
  /** The expression (over the page query's select list). */
  sql: string;
  cast: string;
  descending: boolean;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.direction === 'next' ? 'n' : 'p', ...cursor.values])).toString(
    'base64url',
  );
}

export function decodeCursor(text: string, arity: number): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== arity + 1 ||
    (parsed[0] !== 'n' && parsed[0] !== 'p') ||
    parsed.slice(1).some((value) => value !== null && typeof value !== 'string')
  ) {
    throw invalidSearch('_cursor is not a cursor this server issued for this search');
  }
  return { direction: parsed[0] === 'n' ? 'next' : 'prev', values: parsed.slice(1) as (string | null)[] };
}

/** ORDER BY for the page: reversed (to read backwards from a prev cursor) flips every key. */
export function orderBy(columns: readonly OrderColumn[], reversed: boolean): string {
  return columns
    .map(({ sql, descending }) => {
      const down = descending !== reversed;
      return `${sql} ${down ? 'DESC' : 'ASC'} NULLS ${reversed ? 'FIRST' : 'LAST'}`;
    })
    .join(', ');
}

/** Rows strictly after `values` in the (possibly reversed) order — nulls sort last going forward. */
export function afterCondition(
  ctx: SqlContext,
  columns: readonly OrderColumn[],
  values: readonly (string | null)[],
  reversed: boolean,
): string {
  const alternatives: string[] = [];
  const equalities: string[] = [];
  columns.forEach((column, index) => {
    const value = values[index] ?? null;
    const down = column.descending !== reversed;
    const op = down ? '<' : '>';
    let after: string;
    if (value === null) after = reversed ? `${column.sql} IS NOT NULL` : 'FALSE';
    else {
      const bound = bind(ctx, value, column.cast);
      after = reversed
        ? `${column.sql} ${op} ${bound}`
        : `(${column.sql} ${op} ${bound} OR ${column.sql} IS NULL)`;
    }
    alternatives.push([...equalities, after].join(' AND '));
    if (index === columns.length - 1) return; // an equality nothing follows would bind an unused parameter
    equalities.push(
      value === null ? `${column.sql} IS NULL` : `${column.sql} = ${bind(ctx, value, column.cast)}`,
    );
  });
  return `(${alternatives.map((alternative) => `(${alternative})`).join(' OR ')})`;
}
