// FHIR date, dateTime and instant values as half-open [low, high) millisecond ranges whose width is
// the value's precision (a year, a month, a day, a minute, a second, a millisecond), in UTC when the
// value carries no zone.
export interface DateRange {
  /** Inclusive start, epoch milliseconds (-Infinity when open). */
  low: number;
  /** Exclusive end, epoch milliseconds (Infinity when open). */
  high: number;
}

const pattern =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  return sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
}

/** The range a FHIR date/dateTime/instant covers, or undefined when the text is not one. */
export function dateRange(text: string): DateRange | undefined {
  const match = pattern.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const year = Number(y);
  const month = mo === undefined ? 0 : Number(mo) - 1;
  const day = d === undefined ? 1 : Number(d);
  if (month > 11 || day < 1 || day > 31) return undefined;
  const shift = offsetMinutes(zone) * 60_000;
  if (h === undefined) {
    const low = Date.UTC(year, month, day);
    const high =
      mo === undefined
        ? Date.UTC(year + 1, 0, 1)
        : d === undefined
          ? Date.UTC(year, month + 1, 1)
          : low + 86_400_000;
    if (new Date(low).getUTCMonth() !== month) return undefined; // e.g. 2023-02-30
    return { low, high };
  }
  if (Number(h) > 24 || Number(mi) > 59 || (s !== undefined && Number(s) > 60)) return undefined;
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const low =
    Date.UTC(year, month, day, Number(h), Number(mi), s === undefined ? 0 : Number(s), millis) - shift;
  const width = s === undefined ? 60_000 : frac === undefined ? 1000 : 1;
  return { low, high: low + width };
}

/** A Period: open ends are infinite; an unparseable end is treated as open. */
export function periodRange(start: unknown, end: unknown): DateRange | undefined {
  const from = typeof start === 'string' ? dateRange(start) : undefined;
  const to = typeof end === 'string' ? dateRange(end) : undefined;
  if (from === undefined && to === undefined) return undefined;
  return { low: from?.low ?? Number.NEGATIVE_INFINITY, high: to?.high ?? Number.POSITIVE_INFINITY };
}
