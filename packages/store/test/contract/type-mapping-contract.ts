// Contract: parameters and results map to the same JS values on every adapter.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ContractTarget, uniqueName } from './contract-target.ts';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function typeMappingContract(target: () => ContractTarget): void {
  describe('type mapping', () => {
    it('maps scalar result types identically', async () => {
      const { rows } = await target().db.query(`SELECT
        7::int2 AS i2, 2147483647::int4 AS i4, ${MAX_SAFE}::int8 AS safe8, ${MAX_SAFE + 1}::int8 AS big8,
        -9007199254740993::int8 AS neg8, count(*) AS counted, 12345678901234567890.000000001::numeric AS exact,
        1.5::float8 AS f8, 'NaN'::float8 AS nan, true AS yes, false AS no, 'héllo'::text AS txt,
        'x'::varchar(3) AS vc, '6f1e3c2a-0000-4000-8000-000000000001'::uuid AS id, '2024-02-29'::date AS day,
        '2024-01-02 03:04:05.123456+00'::timestamptz AS at, '2024-01-02 03:04:05'::timestamp AS naive,
        '0044-03-15 12:00:00+00 BC'::timestamptz AS ides, 'infinity'::timestamptz AS forever,
        '{"a":[1,"b",null],"n":1.5}'::jsonb AS doc, '[1,2]'::json AS js, '\\x00ff10'::bytea AS bytes,
        NULL::text AS nothing, '1 day 02:00:00'::interval AS span`);
      const row = rows[0]!;
      expect(row).toEqual({
        i2: 7,
        i4: 2147483647,
        safe8: MAX_SAFE,
        big8: String(MAX_SAFE + 1),
        neg8: '-9007199254740993',
        counted: 1,
        exact: '12345678901234567890.000000001',
        f8: 1.5,
        nan: Number.NaN,
        yes: true,
        no: false,
        txt: 'héllo',
        vc: 'x',
        id: '6f1e3c2a-0000-4000-8000-000000000001',
        day: '2024-02-29',
        at: new Date('2024-01-02T03:04:05.123Z'),
        naive: new Date('2024-01-02T03:04:05.000Z'),
        ides: row.ides,
        forever: Number.POSITIVE_INFINITY,
        doc: { a: [1, 'b', null], n: 1.5 },
        js: [1, 2],
        bytes: new Uint8Array([0, 255, 16]),
        nothing: null,
        span: '1 day 02:00:00',
      });
      expect((row.ides as Date).getUTCFullYear()).toBe(-43);
      expect(row.bytes).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(row.bytes)).toBe(false);
    });

    it('maps arrays identically, nested, with NULLs and quoting', async () => {
      const { rows } = await target().db.query(`SELECT
        ARRAY[1,2,NULL]::int4[] AS ints, ARRAY[1, ${MAX_SAFE + 2}]::int8[] AS longs,
        ARRAY['a b', '"q"', 'NULL', NULL, '', 'c,d', '{x}', '\\']::text[] AS texts,
        '{{1,2},{3,4}}'::int4[] AS grid, '{}'::int4[] AS empty, ARRAY['{"k":1}'::jsonb] AS docs,
        ARRAY['2024-01-02 03:04:05+00'::timestamptz] AS times, ARRAY['\\x01'::bytea] AS blobs,
        ARRAY[true, false] AS flags, '[0:1]={7,8}'::int4[] AS shifted`);
      expect(rows[0]).toEqual({
        ints: [1, 2, null],
        longs: [1, String(MAX_SAFE + 2)],
        texts: ['a b', '"q"', 'NULL', null, '', 'c,d', '{x}', '\\'],
        grid: [
          [1, 2],
          [3, 4],
        ],
        empty: [],
        docs: [{ k: 1 }],
        times: [new Date('2024-01-02T03:04:05Z')],
        blobs: [new Uint8Array([1])],
        flags: [true, false],
        shifted: [7, 8],
      });
    });

    it('sends parameters identically', async () => {
      const when = new Date('2023-06-07T08:09:10.011Z');
      const bytes = new Uint8Array(70_000).map((_, i) => i % 251);
      const { rows } = await target().db.query(
        `SELECT $1::timestamptz AS at, $2::timestamp AS naive, $3::bytea AS bytes, $4::jsonb AS doc,
          $5::int8[] AS longs, $6::text[] AS texts, $7::int8 AS big, $8::bool AS flag, $9::numeric AS amount,
          $10::text AS nothing, $11::bytea AS buf, $12::jsonb[] AS docs`,
        [
          when,
          when,
          bytes,
          { resourceType: 'Patient', name: [{ given: ['Ana'] }] },
          [1, '9007199254740993', null],
          ['x', 'y"z', '\\', null],
          12n,
          false,
          0.1,
          undefined,
          Buffer.from([9, 8]),
          [{ a: 1 }, null],
        ],
      );
      expect(rows[0]).toEqual({
        at: when,
        naive: when,
        bytes,
        doc: { resourceType: 'Patient', name: [{ given: ['Ana'] }] },
        longs: [1, '9007199254740993', null],
        texts: ['x', 'y"z', '\\', null],
        big: 12,
        flag: false,
        amount: '0.1',
        nothing: null,
        buf: new Uint8Array([9, 8]),
        docs: [{ a: 1 }, null],
      });
    });

    it('reads stored columns the same way as expressions', async () => {
      const db = target().db;
      const table = uniqueName('typed');
      await db.exec(
        `CREATE TABLE ${table} (id bigserial PRIMARY KEY, at timestamptz, doc jsonb, tags text[], raw bytea)`,
      );
      const inserted = await db.query(
        `INSERT INTO ${table} (at, doc, tags, raw) VALUES ($1, $2, $3, $4), ($1, $2, $3, $4) RETURNING id`,
        [new Date(0), { a: 1 }, ['t'], new Uint8Array([1])],
      );
      expect(inserted).toEqual({ rows: [{ id: 1 }, { id: 2 }], rowCount: 2 });
      const { rows } = await db.query(`SELECT at, doc, tags, raw FROM ${table} WHERE id = $1`, [2]);
      expect(rows).toEqual([{ at: new Date(0), doc: { a: 1 }, tags: ['t'], raw: new Uint8Array([1]) }]);
    });

    it('reports rowCount for writes and reads', async () => {
      const db = target().db;
      const table = uniqueName('counted');
      await db.exec(`CREATE TABLE ${table} (n int)`);
      expect((await db.query(`INSERT INTO ${table} SELECT generate_series(1, 3)`)).rowCount).toBe(3);
      expect((await db.query(`UPDATE ${table} SET n = n + 1 WHERE n > 1`)).rowCount).toBe(2);
      expect((await db.query(`DELETE FROM ${table} WHERE n = 99`)).rowCount).toBe(0);
      expect(await db.query(`SELECT n FROM ${table} ORDER BY n`)).toEqual({
        rows: [{ n: 1 }, { n: 3 }, { n: 4 }],
        rowCount: 3,
      });
    });

    it('round-trips any text[] (property)', async () => {
      const text = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !s.includes('\u0000'));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.option(text, { nil: null }), { maxLength: 6 }), async (values) => {
          const { rows } = await target().db.query<{ v: unknown }>('SELECT $1::text[] AS v', [values]);
          expect(rows[0]!.v).toEqual(values);
        }),
        { numRuns: 150 },
      );
    });

    it('round-trips any timestamptz under any session time zone (property)', async () => {
      const zones = ['UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Paris', 'Pacific/Chatham'];
      const date = fc.date({
        min: new Date('0001-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59.999Z'),
        noInvalidDate: true,
      });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...zones), date, async (zone, when) => {
          const back = await target().db.transaction(async (tx) => {
            await tx.exec(`SET LOCAL TIME ZONE '${zone}'`);
            // Output text now carries the zone's offset (+05:45, -03:30, LMT +00:09:21, BC ...).
            const { rows } = await tx.query<{ v: Date }>('SELECT $1::timestamptz AS v', [when]);
            return rows[0]!.v;
          });
          expect(back.toISOString()).toBe(when.toISOString());
        }),
        { numRuns: 100 },
      );
    });

    it('refuses several statements in query() but runs them in exec()', async () => {
      const db = target().db;
      const table = uniqueName('multi');
      await expect(db.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ name: 'SqlError', code: '42601' });
      await db.exec(
        `CREATE TABLE ${table} (n int); INSERT INTO ${table} VALUES (1); INSERT INTO ${table} VALUES (2);`,
      );
      expect((await db.query(`SELECT sum(n)::int AS total FROM ${table}`)).rows).toEqual([{ total: 3 }]);
    });
  });
}
