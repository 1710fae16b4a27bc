// The index part of the version-write statement: per index table, a DELETE of the resource's old
// rows and a multi-row INSERT (unnest of column arrays) as data-modifying CTEs, so the version, the
// current row and every index row are written by ONE statement in the caller's transaction.
import { type IndexRows, type IndexTable, indexTables } from './index-rows.ts';

interface TableSpec {
  table: string;
  /** Column name and SQL array type, in the order of the row arrays. */
  columns: [string, string, (rows: IndexRows) => readonly unknown[]][];
  /** The inserted value of column n from the unnested array value `u.cn` (default: as is). */
  select?: (column: string, n: number) => string;
}

const specs: Record<IndexTable, TableSpec> = {
  token: {
    table: 'records.token_index',
    columns: [
      ['param', 'text[]', (r) => r.token.param],
      ['system', 'text[]', (r) => r.token.system],
      ['value', 'text[]', (r) => r.token.value],
      ['text_norm', 'text[]', (r) => r.token.text],
    ],
  },
  string: {
    table: 'records.string_index',
    columns: [
      ['param', 'text[]', (r) => r.string.param],
      ['value_norm', 'text[]', (r) => r.string.norm],
      ['value', 'text[]', (r) => r.string.value],
    ],
  },
  date: {
    table: 'records.date_index',
    columns: [
      ['param', 'text[]', (r) => r.date.param],
      ['low', 'timestamptz[]', (r) => r.date.low],
      ['high', 'timestamptz[]', (r) => r.date.high],
    ],
  },
  number: {
    table: 'records.number_index',
    columns: [
      ['param', 'text[]', (r) => r.number.param],
      ['value', 'numeric[]', (r) => r.number.value],
    ],
  },
  quantity: {
    table: 'records.quantity_index',
    columns: [
      ['param', 'text[]', (r) => r.quantity.param],
      ['value', 'numeric[]', (r) => r.quantity.value],
      ['system', 'text[]', (r) => r.quantity.system],
      ['code', 'text[]', (r) => r.quantity.code],
      ['unit', 'text[]', (r) => r.quantity.unit],
    ],
  },
  reference: {
    table: 'records.reference_index',
    columns: [
      ['param', 'text[]', (r) => r.reference.param],
      ['target_type', 'text[]', (r) => r.reference.targetType],
      ['target_id', 'text[]', (r) => r.reference.targetId],
      ['url', 'text[]', (r) => r.reference.url],
      ['identifier_system', 'text[]', (r) => r.reference.identifierSystem],
      ['identifier_value', 'text[]', (r) => r.reference.identifierValue],
    ],
  },
  uri: {
    table: 'records.uri_index',
    columns: [
      ['param', 'text[]', (r) => r.uri.param],
      ['value', 'text[]', (r) => r.uri.value],
    ],
  },
  composite: {
    table: 'records.composite_index',
    columns: [
      ['param', 'text[]', (r) => r.composite.param],
      ['system', 'text[]', (r) => r.composite.system],
      ['value', 'text[]', (r) => r.composite.value],
      ['rest', 'jsonb[]', (r) => r.composite.rest],
    ],
  },
  text: {
    table: 'records.text_index',
    columns: [
      ['param', 'text[]', (r) => r.text.param],
      ['doc', 'text[]', (r) => r.text.content],
    ],
    // The text arrives normalized (lower case, no accents); 'english' stems it and drops stop words.
    select: (column, n) => (n === 1 ? `to_tsvector('english', ${column})` : column),
  },
};

export const indexTableNames: readonly string[] = indexTables.map((table) => specs[table].table);

/**
 * CTEs replacing the index rows of resource ($typeParam, $idParam). `fresh`: the resource cannot
 * have rows yet (a server-assigned id), so no DELETE is needed. `rows` null: only delete.
 * Pushes its parameters onto `params`.
 */
export function indexWriteCtes(
  rows: IndexRows | null,
  fresh: boolean,
  typeParam: string,
  idParam: string,
  params: unknown[],
): string[] {
  const ctes: string[] = [];
  for (const key of indexTables) {
    const spec = specs[key];
    if (!fresh) {
      ctes.push(
        `del_${key} AS (DELETE FROM ${spec.table} WHERE resource_type = ${typeParam} AND resource_id = ${idParam})`,
      );
    }
    if (rows === null || spec.columns[0]![2](rows).length === 0) continue;
    const arrays = spec.columns.map(([, sqlType, get]) => `$${params.push(get(rows))}::${sqlType}`);
    const names = spec.columns.map(([name]) => name);
    const aliases = names.map((_, n) => `c${n}`);
    const select = aliases.map((column, n) => spec.select?.(`u.${column}`, n) ?? `u.${column}`);
    ctes.push(
      `ins_${key} AS (INSERT INTO ${spec.table} (resource_type, resource_id, ${names.join(', ')})
         SELECT ${typeParam}, ${idParam}, ${select.join(', ')} FROM unnest(${arrays.join(', ')}) AS u(${aliases.join(', ')}))`,
    );
  }
  return ctes;
}
