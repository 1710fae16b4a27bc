// Contract: transactions commit, roll back, honour their options and never interleave wrongly.
import { describe, expect, it } from 'vitest';
import { SqlState, type Transaction } from '../../src/index.ts';
import { type ContractTarget, uniqueName } from './contract-target.ts';

async function freshTable(target: ContractTarget): Promise<string> {
  const table = uniqueName('tx');
  await target.db.exec(`CREATE TABLE ${table} (id int PRIMARY KEY, n int NOT NULL DEFAULT 0)`);
  return table;
}

async function count(target: ContractTarget, table: string): Promise<number> {
  const { rows } = await target.db.query<{ c: number }>(`SELECT count(*) AS c FROM ${table}`);
  return rows[0]!.c;
}

export function transactionContract(target: () => ContractTarget): void {
  describe('transactions', () => {
    it('commits and returns what the work returned', async () => {
      const table = await freshTable(target());
      const result = await target().db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id) VALUES (1), (2)`);
        return (await tx.query<{ c: number }>(`SELECT count(*) AS c FROM ${table}`)).rows[0]!.c;
      });
      expect(result).toBe(2);
      expect(await count(target(), table)).toBe(2);
    });

    it('rolls back everything and rethrows the same error when the work throws', async () => {
      const table = await freshTable(target());
      const failure = new Error('validation failed');
      const outcome = target().db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id) VALUES (1)`);
        await tx.exec(`INSERT INTO ${table} (id) VALUES (2); INSERT INTO ${table} (id) VALUES (3)`);
        throw failure;
      });
      await expect(outcome).rejects.toBe(failure);
      expect(await count(target(), table)).toBe(0);
    });

    it('refuses to commit when the work swallowed a database error', async () => {
      const table = await freshTable(target());
      const outcome = target().db.transaction(async (tx) => {
        await tx.query(`INSERT INTO ${table} (id) VALUES (1)`);
        await tx.query(`INSERT INTO ${table} (id) VALUES (1)`).catch(() => undefined);
        return 'looked fine';
      });
      await expect(outcome).rejects.toMatchObject({
        name: 'SqlError',
        code: SqlState.inFailedSqlTransaction,
      });
      expect(await count(target(), table)).toBe(0);
    });

    it('applies the isolation level and defaults to read committed', async () => {
      const db = target().db;
      const level = (options?: Parameters<typeof db.transaction>[1]) =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ transaction_isolation: string }>('SHOW transaction_isolation');
          return rows[0]!.transaction_isolation;
        }, options);
      expect(await level()).toBe('read committed');
      expect(await level({ isolation: 'repeatable read' })).toBe('repeatable read');
      expect(await level({ isolation: 'serializable' })).toBe('serializable');
    });

    it('refuses writes in a read-only transaction', async () => {
      const table = await freshTable(target());
      const outcome = target().db.transaction(
        async (tx) => {
          const { rows } = await tx.query<{ transaction_read_only: string }>('SHOW transaction_read_only');
          expect(rows[0]!.transaction_read_only).toBe('on');
          await tx.query(`INSERT INTO ${table} (id) VALUES (1)`);
        },
        { readOnly: true, isolation: 'repeatable read' },
      );
      await expect(outcome).rejects.toMatchObject({ code: SqlState.readOnlySqlTransaction });
      expect(await count(target(), table)).toBe(0);
    });

    it('gives the exact total for 20 concurrent read-modify-write transactions', async () => {
      const table = await freshTable(target());
      await target().db.query(`INSERT INTO ${table} (id, n) VALUES (1, 0)`);
      await Promise.all(
        Array.from({ length: 20 }, () =>
          target().db.transaction(async (tx) => {
            const { rows } = await tx.query<{ n: number }>(`SELECT n FROM ${table} WHERE id = 1 FOR UPDATE`);
            await new Promise((resolve) => setImmediate(resolve));
            await tx.query(`UPDATE ${table} SET n = $1 WHERE id = 1`, [rows[0]!.n + 1]);
          }),
        ),
      );
      expect((await target().db.query(`SELECT n FROM ${table}`)).rows).toEqual([{ n: 20 }]);
    });

    it('never lets a query from outside see or join an open transaction', async () => {
      const table = await freshTable(target());
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => {
        inserted = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const tx = target().db.transaction(async (t) => {
        await t.query(`INSERT INTO ${table} (id) VALUES (1)`);
        inserted();
        await released;
        throw new Error('abandon');
      });
      await insertedSignal;
      const outside = target().db.query<{ c: number }>(`SELECT count(*) AS c FROM ${table}`);
      setTimeout(release, 20);
      await expect(tx).rejects.toThrow('abandon');
      expect((await outside).rows[0]!.c).toBe(0);
    });

    it('refuses db.query and nested db.transaction inside a transaction instead of deadlocking', async () => {
      const db = target().db;
      const outcome = db.transaction(async (tx) => {
        await expect(db.query('SELECT 1')).rejects.toThrow(/use the Transaction passed to the work/);
        await expect(db.transaction(async () => 1)).rejects.toThrow(/nested transactions are not supported/);
        return (await tx.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one;
      });
      expect(await outcome).toBe(1);
      expect((await db.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    });

    it('refuses a transaction handle used after its transaction ended', async () => {
      let leaked: Transaction | undefined;
      await target().db.transaction(async (tx) => {
        leaked = tx;
      });
      await expect(leaked!.query('SELECT 1')).rejects.toThrow(/transaction has already ended/);
      await expect(leaked!.exec('SELECT 1')).rejects.toThrow(/transaction has already ended/);
    });
  });
}
