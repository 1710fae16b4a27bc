// Predicates for ordered search values — dates ([low, high) ranges on both sides, with the R4
// prefix semantics), numbers and quantities (the search value's precision as its range).
import { dateRange, decimalRange } from '@healthlane/fhir';
import { timestampText } from '../store/index-rows.ts';
import { splitEscaped } from './escape.ts';
import { type Prefix, splitPrefix } from './prefix.ts';
import { invalidSearch } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';

const day = 86_400_000;

function searchDate(value: string): [Prefix, number, number] {
  const [prefix, text] = splitPrefix(value);
  const range = dateRange(text);
  if (!range) throw invalidSearch('A date search value is not a FHIR date, dateTime or instant');
  return [prefix, range.low, range.high];
}

/**
 * A date criterion over a stored range [lo, hi) — both column expressions. R4: eq = the stored range
 * lies within the search range; gt/lt = the stored range reaches above/below it; ge/le = gt/lt or eq;
 * sa/eb = it starts after / ends before it; ap = overlaps it widened by 10% of its distance to now.
 */
export function datePredicate(ctx: SqlContext, value: string, lo = 'i.low', hi = 'i.high'): string {
  const [prefix, low, high] = searchDate(value);
  // Bound on use: a parameter the SQL never mentions would have no type.
  const sl = () => bind(ctx, timestampText(low), 'timestamptz');
  const sh = () => bind(ctx, timestampText(high), 'timestamptz');
  const eq = () => `(${lo} >= ${sl()} AND ${hi} <= ${sh()})`;
  switch (prefix) {
    case 'eq':
      return eq();
    case 'ne':
      return `NOT ${eq()}`;
    case 'gt':
      return `${hi} > ${sh()}`;
    case 'lt':
      return `${lo} < ${sl()}`;
    case 'ge':
      return `(${hi} > ${sh()} OR ${eq()})`;
    case 'le':
      return `(${lo} < ${sl()} OR ${eq()})`;
    case 'sa':
      return `${lo} >= ${sh()}`;
    case 'eb':
      return `${hi} <= ${sl()}`;
    case 'ap': {
      const slack = Math.max(day, Math.abs(ctx.now.getTime() - low) * 0.1);
      const wl = bind(ctx, timestampText(low - slack), 'timestamptz');
      const wh = bind(ctx, timestampText(high + slack), 'timestamptz');
      return `(${lo} < ${wh} AND ${hi} > ${wl})`;
    }
  }
}

/** `_lastUpdated` on the resource row: an instant, i.e. the range [t, t + 1 ms). */
export function instantPredicate(ctx: SqlContext, value: string, column: string): string {
  const [prefix, low, high] = searchDate(value);
  const sl = () => bind(ctx, timestampText(low), 'timestamptz');
  const sh = () => bind(ctx, timestampText(high), 'timestamptz');
  switch (prefix) {
    case 'eq':
      return `(${column} >= ${sl()} AND ${column} < ${sh()})`;
    case 'ne':
      return `NOT (${column} >= ${sl()} AND ${column} < ${sh()})`;
    case 'gt':
    case 'sa':
      return `${column} >= ${sh()}`;
    case 'lt':
    case 'eb':
      return `${column} < ${sl()}`;
    case 'ge':
      return `${column} >= ${sl()}`;
    case 'le':
      return `${column} < ${sh()}`;
    case 'ap':
      return datePredicate(ctx, value, column, column);
  }
}

/** A number criterion on an exact stored value: eq/ne use the search value's precision range. */
export function numberPredicate(ctx: SqlContext, value: string, column = 'i.value'): string {
  const [prefix, text] = splitPrefix(value);
  const range = decimalRange(text);
  if (!range) throw invalidSearch('A number search value is not a decimal');
  const v = () => bind(ctx, range.value, 'numeric');
  switch (prefix) {
    case 'eq':
      return `(${column} >= ${bind(ctx, range.low, 'numeric')} AND ${column} < ${bind(ctx, range.high, 'numeric')})`;
    case 'ne':
      return `NOT (${column} >= ${bind(ctx, range.low, 'numeric')} AND ${column} < ${bind(ctx, range.high, 'numeric')})`;
    case 'gt':
    case 'sa':
      return `${column} > ${v()}`;
    case 'lt':
    case 'eb':
      return `${column} < ${v()}`;
    case 'ge':
      return `${column} >= ${v()}`;
    case 'le':
      return `${column} <= ${v()}`;
    case 'ap': {
      const n = Number(range.value);
      const slack = Math.abs(n) * 0.1;
      return `(${column} >= ${bind(ctx, String(n - slack), 'numeric')} AND ${column} <= ${bind(ctx, String(n + slack), 'numeric')})`;
    }
  }
}

/** `[prefix]number|system|code`; `number||code` matches the code or the unit; no conversion of units. */
export function quantityPredicate(ctx: SqlContext, value: string): string {
  const parts = splitEscaped(value, '|', true);
  if (parts.length !== 1 && parts.length !== 3) {
    throw invalidSearch('A quantity search value is number, or number|system|code');
  }
  const conditions = [numberPredicate(ctx, parts[0]!)];
  if (parts.length === 3) {
    const [, system, code] = parts as [string, string, string];
    if (system !== '') conditions.push(`i.system = ${bind(ctx, system)}`);
    if (code !== '') {
      conditions.push(
        system === ''
          ? `(i.code = ${bind(ctx, code)} OR i.unit = ${bind(ctx, code)})`
          : `i.code = ${bind(ctx, code)}`,
      );
    }
  }
  return `(${conditions.join(' AND ')})`;
}
