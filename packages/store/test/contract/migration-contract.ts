// Contract: migrations apply in order, once, and refuse edited or unknown history.
import { describe, expect, it } from 'vitest';
import { type Database, type Migration, MigrationError, migrate } from '../../src/index.ts';
import { type ContractTarget, uniqueName } from './contract-target.ts';

/** Three migrations that fail if run twice (no IF NOT EXISTS) and count their own runs. */
function migrationsFor(schema: string): Migration[] {
  return [
    {
      version: 1,
      name: 'create-schema',
      sql: `CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.runs (version int)`,
    },
    {
      version: 2,
      name: 'create-vitals',
      sql: `CREATE TABLE ${schema}.vitals (id bigserial PRIMARY KEY, code text NOT NULL);
            INSERT INTO ${schema}.runs VALUES (2);`,
    },
    {
      version: 3,
      name: 'add-value',
      sql: `ALTER TABLE ${schema}.vitals ADD COLUMN value numeric; INSERT INTO ${schema}.runs VALUES (3);`,
    },
  ];
}

async function history(db: Database, namespace: string): Promise<Array<{ version: number; name: string }>> {
  const { rows } = await db.query<{ version: number; name: string }>(
    'SELECT version, name FROM public.healthlane_migrations WHERE namespace = $1 ORDER BY version',
    [namespace],
  );
  return rows;
}

async function refusal(promise: Promise<unknown>): Promise<MigrationError> {
  const err = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MigrationError);
  return err as MigrationError;
}

export function migrationContract(target: () => ContractTarget): void {
  describe('migrations', () => {
    it('applies each migration exactly once when replicas migrate concurrently', async () => {
      // First in this suite, so the replicas also race to create the bookkeeping table.
      const ns = uniqueName('svc');
      const all = migrationsFor(ns);
      const results = await target().withReplicas(4, (dbs) =>
        Promise.all(dbs.flatMap((db) => [migrate(db, ns, all), migrate(db, ns, all)])),
      );
      const applied = results.flat().map((m) => m.version);
      expect(applied.sort()).toEqual([1, 2, 3]);
      const { rows } = await target().db.query(`SELECT version FROM ${ns}.runs ORDER BY version`);
      expect(rows).toEqual([{ version: 2 }, { version: 3 }]);
      expect((await history(target().db, ns)).map((m) => m.version)).toEqual([1, 2, 3]);
    });
    it('applies in order, returns what it applied, and is a no-op when current', async () => {
      const db = target().db;
      const ns = uniqueName('svc');
      const all = migrationsFor(ns);
      const first = await migrate(db, ns, all.slice(0, 2));
      expect(first.map((m) => [m.namespace, m.version, m.name])).toEqual([
        [ns, 1, 'create-schema'],
        [ns, 2, 'create-vitals'],
      ]);
      expect(first[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(await migrate(db, ns, all.slice(0, 2))).toEqual([]);
      expect((await migrate(db, ns, all)).map((m) => m.version)).toEqual([3]);
      expect(await history(db, ns)).toEqual([
        { version: 1, name: 'create-schema' },
        { version: 2, name: 'create-vitals' },
        { version: 3, name: 'add-value' },
      ]);
      await db.query(`INSERT INTO ${ns}.vitals (code, value) VALUES ('8867-4', 72)`);
    });

    it('refuses an applied migration whose SQL changed, naming namespace and version', async () => {
      const db = target().db;
      const ns = uniqueName('svc');
      const all = migrationsFor(ns);
      await migrate(db, ns, all.slice(0, 2));
      const edited = [all[0]!, { ...all[1]!, sql: `${all[1]!.sql} -- tweak` }, all[2]!];
      const err = await refusal(migrate(db, ns, edited));
      expect(err).toMatchObject({ namespace: ns, version: 2 });
      expect(err.message).toContain(ns);
      expect(err.message).toMatch(/migration 2 .*checksum/);
      expect((await history(db, ns)).map((m) => m.version)).toEqual([1, 2]);
      // Line endings alone are not an edit.
      const crlf = all.map((m) => ({ ...m, sql: m.sql.replace(/\n/g, '\r\n') }));
      expect((await migrate(db, ns, crlf)).map((m) => m.version)).toEqual([3]);
    });

    it('refuses to run when the database is ahead of the code', async () => {
      const db = target().db;
      const ns = uniqueName('svc');
      await migrate(db, ns, migrationsFor(ns));
      const err = await refusal(migrate(db, ns, migrationsFor(ns).slice(0, 2)));
      expect(err).toMatchObject({ namespace: ns, version: 3 });
      expect(err.message).toMatch(/knows only up to 2/);
    });

    it('refuses versions that do not run 1, 2, 3 without gaps, before touching the database', async () => {
      const db = target().db;
      const ns = uniqueName('svc');
      const [one, two, three] = migrationsFor(ns) as [Migration, Migration, Migration];
      for (const broken of [[two], [one, three], [one, one], [two, one]]) {
        const err = await refusal(migrate(db, ns, broken));
        expect(err.message).toMatch(/versions must run 1, 2, 3/);
      }
      await refusal(migrate(db, 'Not-A-Namespace', [one]));
      expect(await history(db, ns)).toEqual([]);
    });

    it('rolls back a failing migration entirely and keeps the ones before it', async () => {
      const db = target().db;
      const ns = uniqueName('svc');
      const [one] = migrationsFor(ns);
      const bad = { version: 2, name: 'half-done', sql: `CREATE TABLE ${ns}.partial (id int); SELECT 1/0;` };
      const err = await refusal(migrate(db, ns, [one!, bad]));
      expect(err).toMatchObject({ namespace: ns, version: 2, cause: { code: '22012' } });
      expect(await history(db, ns)).toEqual([{ version: 1, name: 'create-schema' }]);
      const { rows } = await db.query(`SELECT to_regclass('${ns}.partial') AS t`);
      expect(rows).toEqual([{ t: null }]);
    });
  });
}
