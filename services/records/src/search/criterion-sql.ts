// Criteria as SQL over a resource alias: each index-backed criterion is `alias.id IN (ids)` where ids
// is a range scan of one index table; negations (`:not`, `:missing=true`) are correlated NOT EXISTS;
// chains and `_has` nest the id sets through the reference index.
import type { SearchParamDefinition } from '@healthlane/fhir';
import { compositePredicate } from './composite-values.ts';
import type { Criterion } from './model.ts';
import { datePredicate, instantPredicate, numberPredicate, quantityPredicate } from './ordered-values.ts';
import { referencePredicate } from './reference-values.ts';
import { invalidSearch } from './search-error.ts';
import { alias, bind, type SqlContext } from './sql-context.ts';
import { listSql, textSearchSql } from './text-search.ts';
import { stringPredicate, tokenPredicate, uriPredicate } from './text-values.ts';

const tables: Record<string, string> = {
  token: 'records.token_index',
  string: 'records.string_index',
  date: 'records.date_index',
  number: 'records.number_index',
  quantity: 'records.quantity_index',
  reference: 'records.reference_index',
  uri: 'records.uri_index',
  composite: 'records.composite_index',
};

export function indexTable(def: SearchParamDefinition): string {
  const table = tables[def.type];
  if (table === undefined) throw invalidSearch(`The search parameter ${def.code} is not supported`);
  return table;
}

function valuePredicate(
  ctx: SqlContext,
  def: SearchParamDefinition,
  modifier: string | undefined,
  value: string,
) {
  switch (def.type) {
    case 'token':
      return tokenPredicate(ctx, value, modifier);
    case 'string':
      return stringPredicate(ctx, value, modifier);
    case 'uri':
      return uriPredicate(ctx, value, modifier);
    case 'date':
      return datePredicate(ctx, value);
    case 'number':
      return numberPredicate(ctx, value);
    case 'quantity':
      return quantityPredicate(ctx, value);
    case 'reference':
      return referencePredicate(ctx, value, modifier);
    case 'composite':
      return compositePredicate(ctx, def, value);
    default:
      throw invalidSearch(`The search parameter ${def.code} is not supported`);
  }
}

/** The index rows of (type, param) matching any of the values, as `FROM ... WHERE ...`. */
function indexRows(
  ctx: SqlContext,
  type: string,
  def: SearchParamDefinition,
  modifier: string | undefined,
  values: string[],
) {
  const param = modifier === 'of-type' ? `${def.code}:of-type` : def.code;
  const predicates = values.map((value) => valuePredicate(ctx, def, modifier, value));
  return `FROM ${indexTable(def)} i WHERE i.resource_type = ${bind(ctx, type)} AND i.param = ${bind(ctx, param)}
          AND (${predicates.join(' OR ')})`;
}

function parseMissing(values: string[]): boolean {
  if (values.length !== 1 || (values[0] !== 'true' && values[0] !== 'false')) {
    throw invalidSearch(':missing takes true or false');
  }
  return values[0] === 'true';
}

/** Live resources of `type`, as an id set filtered by a condition on alias `r`. */
function liveIds(ctx: SqlContext, type: string, condition: (r: string) => string): string {
  const r = alias(ctx, 'r');
  return `SELECT ${r}.id FROM records.resource ${r} WHERE ${r}.resource_type = ${bind(ctx, type)}
          AND NOT ${r}.deleted AND ${condition(r)}`;
}

/** SQL selecting the ids of `criterion.type` resources that match. */
export function matchingIds(ctx: SqlContext, criterion: Criterion): string {
  if (criterion.kind === 'param' && typeof criterion.param !== 'string') {
    const { param: def, modifier, values, type } = criterion;
    if (modifier !== 'missing' && modifier !== 'not' && modifier !== 'not-in') {
      return `SELECT i.resource_id ${indexRows(ctx, type, def, modifier, values)}`;
    }
  }
  return liveIds(ctx, criterion.type, (r) => matchSql(ctx, r, criterion));
}

function chainSql(
  ctx: SqlContext,
  resource: string,
  criterion: Extract<Criterion, { kind: 'chain' }>,
): string {
  const ri = alias(ctx, 'ref');
  const targets = criterion.next.map(
    (next) =>
      `(${ri}.target_type = ${bind(ctx, next.type)} AND ${ri}.target_id IN (${matchingIds(ctx, next)}))`,
  );
  return `${resource}.id IN (SELECT ${ri}.resource_id FROM records.reference_index ${ri}
          WHERE ${ri}.resource_type = ${bind(ctx, criterion.type)} AND ${ri}.param = ${bind(ctx, criterion.ref.code)}
          AND (${targets.join(' OR ')}))`;
}

function hasSql(ctx: SqlContext, resource: string, criterion: Extract<Criterion, { kind: 'has' }>): string {
  const ri = alias(ctx, 'has');
  return `${resource}.id IN (SELECT ${ri}.target_id FROM records.reference_index ${ri}
          WHERE ${ri}.target_type = ${bind(ctx, criterion.type)} AND ${ri}.resource_type = ${bind(ctx, criterion.sourceType)}
          AND ${ri}.param = ${bind(ctx, criterion.ref.code)} AND ${ri}.resource_id IN (${matchingIds(ctx, criterion.next)}))`;
}

function rowParamSql(
  ctx: SqlContext,
  resource: string,
  criterion: Extract<Criterion, { kind: 'param' }>,
): string {
  // Every resource has an id and a lastUpdated: `:missing=true` matches none, `false` all.
  if (criterion.modifier === 'missing') return parseMissing(criterion.values) ? 'FALSE' : 'TRUE';
  if (criterion.param === '_content' || criterion.param === '_text') {
    return textSearchSql(ctx, resource, criterion.type, criterion.param, criterion.values);
  }
  if (criterion.param === '_list') return listSql(ctx, resource, criterion.type, criterion.values);
  if (criterion.param === '_id') {
    const ids = criterion.values.map((value) => value.replace(/\\(.)/g, '$1'));
    if (ids.some((id) => id === '')) throw invalidSearch('An _id search value is empty');
    const match = `${resource}.id = ANY(${bind(ctx, ids, 'text[]')})`;
    return criterion.modifier === 'not' ? `NOT ${match}` : match;
  }
  const column = `${resource}.last_updated`;
  return `(${criterion.values.map((value) => instantPredicate(ctx, value, column)).join(' OR ')})`;
}

/** A boolean SQL expression: resource alias `resource` (of criterion.type) matches the criterion. */
export function matchSql(ctx: SqlContext, resource: string, criterion: Criterion): string {
  if (criterion.kind === 'chain') return chainSql(ctx, resource, criterion);
  if (criterion.kind === 'has') return hasSql(ctx, resource, criterion);
  if (criterion.kind === 'filter') {
    const parts = criterion.parts.map((part) => matchSql(ctx, resource, part));
    return criterion.op === 'not'
      ? `NOT (${parts[0]})`
      : `(${parts.join(` ${criterion.op.toUpperCase()} `)})`;
  }
  if (typeof criterion.param === 'string') return rowParamSql(ctx, resource, criterion);
  const { param: def, modifier, values, type } = criterion;
  if (modifier === 'missing') {
    const missing = parseMissing(values);
    const exists = `EXISTS (SELECT 1 FROM ${indexTable(def)} i WHERE i.resource_type = ${bind(ctx, type)}
                    AND i.resource_id = ${resource}.id AND i.param = ${bind(ctx, def.code)})`;
    return missing ? `NOT ${exists}` : exists;
  }
  if (modifier === 'not' || modifier === 'not-in') {
    // Resources without the element match too (R4: :not is "not equal", not "has another value").
    const positive = modifier === 'not-in' ? 'in' : undefined;
    return `NOT EXISTS (SELECT 1 ${indexRows(ctx, type, def, positive, values)} AND i.resource_id = ${resource}.id)`;
  }
  return `${resource}.id IN (SELECT i.resource_id ${indexRows(ctx, type, def, modifier, values)})`;
}
