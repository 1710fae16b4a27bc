// Date search (R4 search §date): every value and every search value is a range set by its precision
// (2020 = the whole year); prefixes eq ne gt lt ge le sa eb ap compare those ranges as the table in
// the specification says. A value without a time zone is read in the server's zone, which the
// specification leaves open: the oracle tries UTC−14:00, UTC and UTC+14:00 and answers 'may' where
// they disagree.
import type { TypedValue } from './extract.ts';
import { agreement, anyOf, type Verdict } from './verdict.ts';

/** Half-open [lo, hi) in epoch milliseconds; ±Infinity for an open Period end. */
export interface Range {
  lo: number;
  hi: number;
}

interface Instant {
  /** Range read as UTC when the text has no zone. */
  range: Range;
  zoned: boolean;
}

const DATE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** Parses a FHIR date/dateTime/instant (or a search value without its prefix) into its range. */
export function parseDateRange(text: string): Instant | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  if (mo === undefined)
    return { range: { lo: Date.UTC(year, 0, 1), hi: Date.UTC(year + 1, 0, 1) }, zoned: false };
  const month = Number(mo) - 1;
  if (d === undefined) {
    return { range: { lo: Date.UTC(year, month, 1), hi: Date.UTC(year, month + 1, 1) }, zoned: false };
  }
  const day = Number(d);
  if (h === undefined)
    return { range: { lo: Date.UTC(year, month, day), hi: Date.UTC(year, month, day + 1) }, zoned: false };
  let offsetMs = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    offsetMs = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  const millis = frac ? Math.floor(Number(`0${frac}`) * 1000) : 0;
  const lo = Date.UTC(year, month, day, Number(h), Number(mi), Number(s ?? 0), millis) - offsetMs;
  const width = frac ? 10 ** (3 - Math.min(3, frac.length - 1)) : s !== undefined ? 1000 : 60_000;
  return { range: { lo, hi: lo + width }, zoned: zone !== undefined };
}

interface ValueRange {
  lo: number;
  hi: number;
  loZoned: boolean;
  hiZoned: boolean;
}

function pointRange(text: unknown): ValueRange[] {
  if (typeof text !== 'string') return [];
  const parsed = parseDateRange(text);
  if (!parsed) return [];
  return [{ ...parsed.range, loZoned: parsed.zoned, hiZoned: parsed.zoned }];
}

/** The ranges of one value: date, dateTime, instant, Period, Timing (its events). */
export function dateRanges(value: TypedValue): ValueRange[] {
  const data = value.value as Record<string, unknown>;
  switch (value.type) {
    case 'date':
    case 'dateTime':
    case 'instant':
    case 'string':
    case 'DateTime':
    case 'Date':
      return pointRange(value.value);
    case 'Period': {
      const start = typeof data.start === 'string' ? parseDateRange(data.start) : undefined;
      const end = typeof data.end === 'string' ? parseDateRange(data.end) : undefined;
      return [
        {
          lo: start ? start.range.lo : Number.NEGATIVE_INFINITY,
          hi: end ? end.range.hi : Number.POSITIVE_INFINITY,
          loZoned: start?.zoned ?? true,
          hiZoned: end?.zoned ?? true,
        },
      ];
    }
    case 'Timing':
      return ((data.event ?? []) as unknown[]).flatMap(pointRange);
    default:
      throw new Error(`date values of type ${value.type} are not defined for the oracle`);
  }
}

export type DatePrefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

const contains = (s: Range, t: Range): boolean => s.lo <= t.lo && t.hi <= s.hi;
/** The target overlaps [from, +∞). */
const reachesAbove = (from: number, t: Range): boolean => t.hi > from;
/** The target overlaps (−∞, to). */
const reachesBelow = (to: number, t: Range): boolean => t.lo < to;

/** The specification's table, on definite ranges. `ap` is handled apart (it has a tolerance). */
function strict(prefix: Exclude<DatePrefix, 'ap'>, s: Range, t: Range): boolean {
  switch (prefix) {
    case 'eq':
      return contains(s, t);
    case 'ne':
      return !contains(s, t);
    case 'gt':
      return reachesAbove(s.hi, t);
    case 'lt':
      return reachesBelow(s.lo, t);
    case 'ge':
      return reachesAbove(s.hi, t) || contains(s, t);
    case 'le':
      return reachesBelow(s.lo, t) || contains(s, t);
    case 'sa':
      return t.lo >= s.hi;
    case 'eb':
      return t.hi <= s.lo;
  }
}

/**
 * ge/le: the R4 table's wording ("the range above the search value intersects the target, or the
 * search range contains it") and the common reading ("the target reaches [search start, +∞)")
 * differ only for a target partly inside the search range: 'may' there.
 */
function lenientGeLe(prefix: 'ge' | 'le', s: Range, t: Range): boolean {
  return prefix === 'ge' ? reachesAbove(s.lo, t) : reachesBelow(s.hi, t);
}

const ZONE_SHIFTS = [-14 * 3_600_000, 0, 14 * 3_600_000];

function shifted(range: ValueRange, shift: number): Range {
  return { lo: range.loZoned ? range.lo : range.lo - shift, hi: range.hiZoned ? range.hi : range.hi - shift };
}

function oneValue(prefix: DatePrefix, search: Instant, target: ValueRange, now: number): Verdict {
  const answers: Verdict[] = ZONE_SHIFTS.map((shift): Verdict => {
    const s: Range = search.zoned
      ? search.range
      : { lo: search.range.lo - shift, hi: search.range.hi - shift };
    const t = shifted(target, shift);
    if (prefix === 'ap') {
      if (contains(s, t)) return 'yes';
      // "Approximately": 10% of the gap to now is the recommendation, other choices are allowed;
      // the oracle accepts up to half the gap (at least a day) and nothing further away.
      const tolerance = Math.max(Math.abs(now - s.lo) / 2, 86_400_000);
      return t.hi > s.lo - tolerance && t.lo < s.hi + tolerance ? 'may' : 'no';
    }
    const literal = strict(prefix, s, t);
    if (prefix === 'ge' || prefix === 'le') return agreement([literal, literal || lenientGeLe(prefix, s, t)]);
    return literal ? 'yes' : 'no';
  });
  if (answers.every((a) => a === answers[0])) return answers[0] as Verdict;
  return 'may';
}

/** Splits "ge2020-01" into prefix and date; undefined when the value is not a date. */
export function parseDateQuery(text: string): { prefix: DatePrefix; search: Instant } | undefined {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(text);
  const search = m ? parseDateRange(m[2] ?? '') : undefined;
  if (!m || !search) return undefined;
  return { prefix: (m[1] ?? 'eq') as DatePrefix, search };
}

export function matchDate(values: TypedValue[], query: string, now: number): Verdict {
  const parsed = parseDateQuery(query);
  if (!parsed) throw new Error('not a date search value');
  return anyOf(
    values.flatMap(dateRanges).map((target) => oneValue(parsed.prefix, parsed.search, target, now)),
  );
}
