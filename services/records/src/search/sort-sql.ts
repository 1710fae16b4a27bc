// _sort keys as SQL: each key is the resource's own column (_id, _lastUpdated) or the smallest
// (ascending) / largest (descending) of its index values for the parameter, as R4 asks for
// multi-valued elements; dates sort by their range's start ascending and end descending.
import type { SearchParamDefinition } from '@healthlane/fhir';
import { indexTable } from './criterion-sql.ts';
import type { SortKey } from './model.ts';
import { unsupported } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';

export interface SortColumn {
  /** The expression over resource alias r. */
  sql: string;
  /** The SQL type a cursor value is cast back to. */
  cast: string;
  descending: boolean;
}

function indexColumn(def: SearchParamDefinition, descending: boolean): [string, string] {
  switch (def.type) {
    case 'string':
      return ['i.value_norm', 'text'];
    case 'date':
      return [descending ? 'i.high' : 'i.low', 'timestamptz'];
    case 'number':
    case 'quantity':
      return ['i.value', 'numeric'];
    case 'reference':
      return ["coalesce(i.target_type || '/' || i.target_id, i.url)", 'text'];
    default:
      return ['i.value', 'text'];
  }
}

export function sortColumn(ctx: SqlContext, key: SortKey): SortColumn {
  const { param, descending } = key;
  if (param === '_id') return { sql: 'r.id', cast: 'text', descending };
  if (param === '_lastUpdated') return { sql: 'r.last_updated', cast: 'timestamptz', descending };
  if (typeof param === 'string') throw unsupported(`Sorting by ${param} is not supported`); // refused when parsed
  const [column, cast] = indexColumn(param, descending);
  const sql = `(SELECT ${descending ? 'max' : 'min'}(${column}) FROM ${indexTable(param)} i
     WHERE i.resource_type = r.resource_type AND i.resource_id = r.id AND i.param = ${bind(ctx, param.code)})`;
  return { sql, cast, descending };
}
