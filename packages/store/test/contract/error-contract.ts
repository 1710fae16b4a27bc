// Contract: failures arrive as SqlError with SQLSTATE and constraint, recognised by the predicates,
// and no error (message, fields or inspected form) ever carries a parameter value.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  isCheckViolation,
  isForeignKeyViolation,
  isNotNullViolation,
  isSerializationFailure,
  isSqlError,
  isUniqueViolation,
  SqlError,
} from '../../src/index.ts';
import { type ContractTarget, uniqueName } from './contract-target.ts';

const SECRET = 'Jane Qwerty Patient 1962-04-01';

async function failure(promise: Promise<unknown>): Promise<SqlError> {
  const err = await promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SqlError);
  return err as SqlError;
}

function expectNoSecret(err: unknown): void {
  const shown = `${inspect(err, { depth: 10, showHidden: true })} ${JSON.stringify(err)}`;
  for (const fragment of ['jane', 'qwerty', 'patient', '1962'])
    expect(shown.toLowerCase()).not.toContain(fragment);
}

export function errorContract(target: () => ContractTarget): void {
  describe('errors', () => {
    it('reports a unique violation with its constraint and without the duplicate value', async () => {
      const db = target().db;
      const table = uniqueName('people');
      await db.exec(
        `CREATE TABLE ${table} (id int PRIMARY KEY, name text CONSTRAINT ${table}_name_key UNIQUE)`,
      );
      await db.query(`INSERT INTO ${table} VALUES (1, $1)`, [SECRET]);
      const err = await failure(db.query(`INSERT INTO ${table} VALUES (2, $1)`, [SECRET]));
      expect(isUniqueViolation(err)).toBe(true);
      expect(isSqlError(err)).toBe(true);
      expect(err).toMatchObject({ code: '23505', constraint: `${table}_name_key`, table });
      expect(err.message).toContain(`${table}_name_key`);
      expectNoSecret(err);
    });

    it('recognises not-null, check and foreign-key violations', async () => {
      const db = target().db;
      const parent = uniqueName('parent');
      const child = uniqueName('child');
      await db.exec(`CREATE TABLE ${parent} (id int PRIMARY KEY);
        CREATE TABLE ${child} (id int PRIMARY KEY, parent int REFERENCES ${parent}, age int CHECK (age >= 0) NOT NULL)`);
      const notNull = await failure(db.query(`INSERT INTO ${child} (id, age) VALUES (1, NULL)`));
      const check = await failure(db.query(`INSERT INTO ${child} (id, age) VALUES (1, -1)`));
      const foreign = await failure(db.query(`INSERT INTO ${child} VALUES (1, 42, 1)`));
      expect([isNotNullViolation(notNull), isCheckViolation(check), isForeignKeyViolation(foreign)]).toEqual([
        true,
        true,
        true,
      ]);
      expect(isUniqueViolation(notNull)).toBe(false);
      expect(notNull.column).toBe('age');
    });

    it('keeps parameter values out of every error, even where PostgreSQL quotes its input', async () => {
      const db = target().db;
      const syntax = await failure(db.query('SELEC $1::text', [SECRET]));
      expect(syntax.code).toBe('42601');
      expect(syntax.message).toContain('SELEC');
      expectNoSecret(syntax);
      const invalid = await failure(db.query('SELECT $1::int', [SECRET]));
      expect(invalid.code).toBe('22P02');
      expect(invalid.message).toContain('22P02');
      expectNoSecret(invalid);
      // Inputs PostgreSQL parses itself (as a name, path or query) and quotes back, whole or in part.
      const casts = ['jsonpath', 'json', 'regclass', 'regtype', 'interval', 'uuid'];
      let failures = 0;
      for (const value of [SECRET, `${SECRET} & & (`, 'Jane"Qwerty', 'Jane.Qwerty.Patient.x']) {
        for (const sql of [...casts.map((cast) => `SELECT $1::${cast}`), 'SELECT to_tsquery($1)']) {
          const outcome = await db.query(sql, [value]).catch((e: unknown) => e);
          if (outcome instanceof Error) {
            failures += 1;
            expectNoSecret(outcome);
          }
        }
      }
      expect(failures).toBe(26);
      // Words too short for the parameter check are still withheld by the message rules.
      for (const [sql, value] of [
        ['SELECT $1::int', 'Al'],
        ['SELECT to_tsquery($1)', 'Al & & ('],
      ] as const) {
        const err = await failure(db.query(sql, [value]));
        expect(err.message).not.toContain(value);
      } // the two to_tsquery inputs without operator errors parse fine
    });

    it('recognises serialization failures and deadlocks as retryable', async () => {
      const db = target().db;
      const raise = (code: string) =>
        failure(db.exec(`DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '${code}'; END $$`));
      expect(isSerializationFailure(await raise('40001'))).toBe(true);
      expect(isSerializationFailure(await raise('40P01'))).toBe(true);
      expect(isSerializationFailure(await raise('23505'))).toBe(false);
    });

    it('rejects an unsupported parameter with a TypeError naming only its position', async () => {
      await expect(target().db.query('SELECT $1', [Symbol(SECRET)])).rejects.toThrow(
        new TypeError('parameter $1 has an unsupported type (symbol)'),
      );
    });
  });
}
