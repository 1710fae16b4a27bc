// Text-format result parsers shared by both adapters, so a row reads the same from PGlite and PostgreSQL.
// Both sessions run with TimeZone=UTC and DateStyle=ISO (see the adapters), which these parsers assume.

export type TextParser = (text: string) => unknown;

const identity: TextParser = (text) => text;
const toNumber: TextParser = (text) => Number(text);
const toBoolean: TextParser = (text) => text === 't';
const toJson: TextParser = (text) => JSON.parse(text);

/** int8 as a number when exact, else the decimal string: never a silently rounded id or count. */
const toInt8: TextParser = (text) => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
};

/** bytea in PostgreSQL's hex output format (`\x0a1b...`, the default bytea_output). */
const toBytes: TextParser = (text) => {
  const buf = Buffer.from(text.slice(2), 'hex');
  // A copy, not a view: small Buffers share Node's pool, which must not leak through `.buffer`.
  return new Uint8Array(buf);
};

// ISO DateStyle output, e.g. `2024-01-02 03:04:05.123456+05:45`, `0044-03-15 12:00:00+00:09:21 BC`.
const TIMESTAMP =
  /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?( BC)?$/;

/** timestamptz → Date; timestamp without time zone is read as UTC. 'infinity' → ±Infinity. */
const toDate: TextParser = (text) => {
  if (text === 'infinity') return Number.POSITIVE_INFINITY;
  if (text === '-infinity') return Number.NEGATIVE_INFINITY;
  const m = TIMESTAMP.exec(text);
  if (!m) return new Date(Number.NaN);
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os, bc] = m;
  const year = bc ? 1 - Number(y) : Number(y);
  const ms = frac ? Number(`${frac}00`.slice(0, 3)) : 0; // microseconds truncated to ms
  const date = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  // setUTCFullYear, because Date.UTC maps years 0-99 to 1900-1999.
  date.setUTCFullYear(year);
  if (sign) {
    const offsetSeconds = Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0);
    date.setTime(date.getTime() - (sign === '+' ? 1 : -1) * offsetSeconds * 1000);
  }
  return date;
};

/**
 * Parses a PostgreSQL array literal (`{1,2}`, `{{"a b",NULL},{"\"q\"",x}}`, `[0:1]={1,2}`) with
 * `parseElement` for each non-null element. Only the ',' delimiter (every type except box).
 */
export function parseArrayLiteral(text: string, parseElement: TextParser): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const at = (pos: number): string => {
    const c = text[pos];
    if (c === undefined) throw new SyntaxError('malformed array literal');
    return c;
  };

  function parseList(): unknown[] {
    const out: unknown[] = [];
    if (at(i) !== '{') throw new SyntaxError('malformed array literal');
    i++;
    if (at(i) === '}') {
      i++;
      return out;
    }
    for (;;) {
      const c = at(i);
      if (c === '{') {
        out.push(parseList());
      } else if (c === '"') {
        let value = '';
        i++;
        while (at(i) !== '"') {
          if (text[i] === '\\') i++;
          value += at(i);
          i++;
        }
        i++;
        out.push(parseElement(value));
      } else {
        let end = i;
        while (at(end) !== ',' && text[end] !== '}') end++;
        const raw = text.slice(i, end);
        out.push(raw === 'NULL' ? null : parseElement(raw));
        i = end;
      }
      if (at(i) === '}') {
        i++;
        return out;
      }
      i++; // past ','
    }
  }

  return parseList();
}

const arrayOf =
  (parseElement: TextParser): TextParser =>
  (text) =>
    parseArrayLiteral(text, parseElement);

const SCALARS: ReadonlyArray<[oid: number, arrayOid: number, parse: TextParser]> = [
  [16, 1000, toBoolean], // bool
  [17, 1001, toBytes], // bytea
  [18, 1002, identity], // "char"
  [19, 1003, identity], // name
  [20, 1016, toInt8], // int8
  [21, 1005, toNumber], // int2
  [23, 1007, toNumber], // int4
  [25, 1009, identity], // text
  [26, 1028, toNumber], // oid
  [114, 199, toJson], // json
  [700, 1021, toNumber], // float4
  [701, 1022, toNumber], // float8
  [1042, 1014, identity], // bpchar
  [1043, 1015, identity], // varchar
  [1082, 1182, identity], // date: 'YYYY-MM-DD', a calendar day has no instant (FHIR date semantics)
  [1083, 1183, identity], // time
  [1114, 1115, toDate], // timestamp
  [1184, 1185, toDate], // timestamptz
  [1186, 1187, identity], // interval
  [1266, 1270, identity], // timetz
  [1700, 1231, identity], // numeric: exact decimal string; cast to float8/int8 in SQL for a number
  [2950, 2951, identity], // uuid
  [3802, 3807, toJson], // jsonb
];

/** Parser per type OID. Types not listed (enums, domains' arrays, geometry, ...) stay text. */
export const typeParsers: ReadonlyMap<number, TextParser> = new Map(
  SCALARS.flatMap(
    ([oid, arrayOid, parse]): Array<[number, TextParser]> => [
      [oid, parse],
      [arrayOid, arrayOf(parse)],
    ],
  ),
);

export function parserFor(oid: number): TextParser {
  return typeParsers.get(oid) ?? identity;
}
