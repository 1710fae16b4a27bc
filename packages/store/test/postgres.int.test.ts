// The PostgreSQL adapter: the SQL port contract on a fresh database, plus pool and connection faults.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Database,
  isConnectionFailure,
  isQueryCanceled,
  openDatabase,
  type SqlError,
} from '../src/index.ts';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '../src/testing.ts';
import { describeSqlPortContract } from './contract/sql-port-contract.ts';

let shared: TestPostgresDatabase;
beforeAll(async () => {
  shared = await createTestPostgresDatabase({ poolSize: 5 });
});
afterAll(() => shared?.drop());

describeSqlPortContract('PostgreSQL', async () => ({
  db: shared.db,
  // Separate pools on the same database, as separate replicas would hold them.
  withReplicas: async (count, use) => {
    const dbs = await Promise.all(
      Array.from({ length: count }, () => openDatabase({ url: shared.url, poolSize: 2 })),
    );
    try {
      return await use(dbs);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  },
  openSpare: () => openDatabase({ url: shared.url, poolSize: 2 }),
  drop: async () => {},
}));

async function backendPid(sql: Pick<Database, 'query'>): Promise<number> {
  const { rows } = await sql.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return rows[0]!.pid;
}

/** Kills a backend from another connection and waits until the server has let it go. */
async function terminate(pid: number): Promise<void> {
  await shared.db.query('SELECT pg_terminate_backend($1)', [pid]);
  await vi.waitFor(
    async () => {
      const { rows } = await shared.db.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      expect(rows).toHaveLength(0);
    },
    { timeout: 5_000, interval: 20 },
  );
}

async function expectHealthy(db: Database, times = 5): Promise<void> {
  for (let i = 0; i < times; i++) {
    await db.transaction(async (tx) => {
      expect((await tx.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    });
  }
}

describe('PostgreSQL only', () => {
  it('survives an idle pooled connection dying, reports it, and replaces it', async () => {
    const errors: SqlError[] = [];
    const db = await openDatabase({ url: shared.url, poolSize: 1, onPoolError: (e) => errors.push(e) });
    try {
      const pid = await backendPid(db);
      await terminate(pid);
      await vi.waitFor(() => expect(errors).toHaveLength(1));
      expect(isConnectionFailure(errors[0])).toBe(true);
      expect(await backendPid(db)).not.toBe(pid);
    } finally {
      await db.close();
    }
  });

  it('surfaces a backend killed mid-statement and hands out a working connection next', async () => {
    const db = await openDatabase({ url: shared.url, poolSize: 1 });
    try {
      const outcome = db.transaction(async (tx) => {
        const pid = await backendPid(tx);
        setTimeout(() => void terminate(pid), 100);
        await tx.query('SELECT pg_sleep(10)');
      });
      const err = await outcome.catch((e: unknown) => e);
      expect(isConnectionFailure(err)).toBe(true);
      await expectHealthy(db);
    } finally {
      await db.close();
    }
  });

  it('surfaces a backend killed between two statements of a transaction without crashing', async () => {
    const db = await openDatabase({ url: shared.url, poolSize: 1 });
    try {
      const outcome = db.transaction(async (tx) => {
        await tx.query('CREATE TEMP TABLE doomed (id int)');
        await terminate(await backendPid(tx));
        await tx.query('INSERT INTO doomed VALUES (1)');
      });
      const err = await outcome.catch((e: unknown) => e);
      expect(isConnectionFailure(err)).toBe(true);
      // The client whose ROLLBACK failed was destroyed, not handed out again.
      await expectHealthy(db);
    } finally {
      await db.close();
    }
  });

  it('applies statementTimeoutMs', async () => {
    const db = await openDatabase({ url: shared.url, poolSize: 1, statementTimeoutMs: 100 });
    try {
      const err = await db.query('SELECT pg_sleep(5)').catch((e: unknown) => e);
      expect(isQueryCanceled(err)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('never opens more connections than poolSize and names them', async () => {
    const applicationName = `hl-pool-${process.pid}`;
    const db = await openDatabase({ url: shared.url, poolSize: 2, applicationName });
    const seen: number[] = [];
    try {
      const work = Promise.all(Array.from({ length: 6 }, () => db.query('SELECT pg_sleep(0.15)')));
      const watch = setInterval(() => {
        void shared.db
          .query<{ n: number }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [
            applicationName,
          ])
          .then(({ rows }) => seen.push(rows[0]!.n));
      }, 25);
      await work.finally(() => clearInterval(watch));
      expect(Math.max(...seen)).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('reports an unreachable server as a connection failure', async () => {
    const db = await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none' });
    try {
      const err = await db.ping().catch((e: unknown) => e);
      expect(isConnectionFailure(err)).toBe(true);
      expect((err as Error).message).toMatch(/database connection failure/);
    } finally {
      await db.close();
    }
  });
});

describe('prepared statements', () => {
  it('prepares a repeated statement once per connection and runs it by name', async () => {
    await shared.db.transaction(async (tx) => {
      const lookup = 'SELECT $1::int + 1 AS next';
      expect((await tx.query(lookup, [1])).rows).toEqual([{ next: 2 }]);
      expect((await tx.query(lookup, [41])).rows).toEqual([{ next: 42 }]);
      const { rows } = await tx.query<{ statement: string }>(
        'SELECT statement FROM pg_prepared_statements WHERE statement = $1',
        [lookup],
      );
      expect(rows).toHaveLength(1);
    });
  });

  it('sends a statement unnamed once its prepared form went stale (a table changed shape)', async () => {
    const db = await openDatabase({ url: shared.url, poolSize: 1 });
    try {
      await db.exec('CREATE TABLE shape_change (a int); INSERT INTO shape_change VALUES (1)');
      const select = 'SELECT * FROM shape_change';
      expect((await db.query(select)).rows).toEqual([{ a: 1 }]);
      await db.exec('ALTER TABLE shape_change ADD COLUMN b int DEFAULT 2');
      // Outside a transaction the failed prepared run is retried unnamed, transparently.
      expect((await db.query(select)).rows).toEqual([{ a: 1, b: 2 }]);
      await db.transaction(async (tx) => {
        expect((await tx.query(select)).rows).toEqual([{ a: 1, b: 2 }]);
      });
    } finally {
      await db.close();
    }
  });

  it('can be turned off', async () => {
    const db = await openDatabase({ url: shared.url, poolSize: 1, preparedStatements: 0 });
    try {
      await db.transaction(async (tx) => {
        await tx.query('SELECT 2 AS two');
        await tx.query('SELECT 2 AS two');
        const { rows } = await tx.query('SELECT 1 FROM pg_prepared_statements');
        expect(rows).toHaveLength(0);
      });
    } finally {
      await db.close();
    }
  });
});
