// Versioned schema migrations per namespace, safe when several replicas start at once: each migration
// runs in its own transaction with its bookkeeping row, under a transaction-scoped advisory lock.
import { createHash } from 'node:crypto';
import type { Database, Migration, SqlExecutor } from './sql-port.ts';

export interface AppliedMigration {
  namespace: string;
  version: number;
  name: string;
  checksum: string;
}

/** A migration set that cannot be applied safely; names the namespace and version concerned. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly namespace: string;
  readonly version: number | undefined;

  constructor(namespace: string, version: number | undefined, message: string, options?: ErrorOptions) {
    super(message, options);
    this.namespace = namespace;
    this.version = version;
  }
}

/** sha256 of the SQL with line endings normalised, so a Windows checkout does not look like an edit. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

const BOOKKEEPING_DDL = `CREATE TABLE IF NOT EXISTS public.healthlane_migrations (
  namespace text NOT NULL,
  version integer NOT NULL,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (namespace, version)
)`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

function validateMigrations(namespace: string, migrations: readonly Migration[]): void {
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(namespace)) {
    throw new MigrationError(
      namespace,
      undefined,
      `invalid migration namespace '${namespace}': use [a-z][a-z0-9_]*`,
    );
  }
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationError(
        namespace,
        migration.version,
        `${namespace}: migration versions must run 1, 2, 3, ... without gaps; found ${migration.version} where ${index + 1} belongs`,
      );
    }
    if (!migration.name)
      throw new MigrationError(
        namespace,
        migration.version,
        `${namespace}: migration ${migration.version} has no name`,
      );
  });
}

async function readApplied(sql: SqlExecutor, namespace: string): Promise<AppliedRow[]> {
  const { rows } = await sql.query<AppliedRow>(
    'SELECT version, name, checksum FROM public.healthlane_migrations WHERE namespace = $1 ORDER BY version',
    [namespace],
  );
  return rows;
}

function verifyApplied(
  namespace: string,
  checksums: readonly string[],
  applied: readonly AppliedRow[],
): void {
  for (const row of applied) {
    const expected = checksums[row.version - 1];
    if (expected === undefined) {
      throw new MigrationError(
        namespace,
        row.version,
        `${namespace}: the database has migration ${row.version} (${row.name}) but this code knows only up to ${checksums.length}; refusing to run older code against a newer schema`,
      );
    }
    if (row.checksum !== expected) {
      throw new MigrationError(
        namespace,
        row.version,
        `${namespace}: migration ${row.version} (${row.name}) was changed after it was applied (checksum mismatch); add a new migration instead of editing an applied one`,
      );
    }
  }
}

// Replicas serialize on these keys; the 2-key form keeps clear of single-key advisory locks elsewhere.
const lockBookkeeping = (sql: SqlExecutor) =>
  sql.query("SELECT pg_advisory_xact_lock(hashtext('healthlane_migrations'), 0)");
// Read committed whatever the server's default: the re-read after the lock must see what the
// replica that held it committed, which a snapshot taken before the lock would hide.
const LOCKED_READ = { isolation: 'read committed' } as const;
const lockNamespace = (sql: SqlExecutor, namespace: string) =>
  sql.query("SELECT pg_advisory_xact_lock(hashtext('healthlane_migrations'), hashtext($1))", [namespace]);

async function ensureBookkeeping(db: Database): Promise<void> {
  const { rows } = await db.query<{ present: boolean }>(
    "SELECT to_regclass('public.healthlane_migrations') IS NOT NULL AS present",
  );
  if (rows[0]?.present) return;
  // Concurrent CREATE TABLE IF NOT EXISTS can still collide in the catalog: take the lock first.
  await db.transaction(async (tx) => {
    await lockBookkeeping(tx);
    await tx.exec(BOOKKEEPING_DDL);
  }, LOCKED_READ);
}

/**
 * Brings `namespace` up to the last of `migrations` (versions 1..n, in order) and returns what this
 * call applied, [] when already current. Refuses, before changing anything, when an applied migration
 * was edited or the database is ahead of the code. Migration SQL must not contain BEGIN/COMMIT nor
 * statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY); statement_timeout is lifted.
 */
export async function migrate(
  db: Database,
  namespace: string,
  migrations: readonly Migration[],
): Promise<AppliedMigration[]> {
  validateMigrations(namespace, migrations);
  const checksums = migrations.map((migration) => migrationChecksum(migration.sql));
  await ensureBookkeeping(db);

  const alreadyApplied = await readApplied(db, namespace);
  verifyApplied(namespace, checksums, alreadyApplied);
  const done = new Set(alreadyApplied.map((row) => row.version));

  const applied: AppliedMigration[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    const checksum = checksums[migration.version - 1]!;
    const ran = await db.transaction(async (tx) => {
      // A long migration (or the wait for a replica running one) must not trip request timeouts.
      await tx.exec('SET LOCAL statement_timeout = 0');
      await lockNamespace(tx, namespace);
      // Another replica may have moved on while this one waited for the lock.
      const current = await readApplied(tx, namespace);
      verifyApplied(namespace, checksums, current);
      if (current.some((row) => row.version === migration.version)) return false;
      try {
        await tx.exec(migration.sql);
      } catch (cause) {
        throw new MigrationError(
          namespace,
          migration.version,
          `${namespace}: migration ${migration.version} (${migration.name}) failed: ${(cause as Error).message}`,
          { cause },
        );
      }
      await tx.query(
        'INSERT INTO public.healthlane_migrations (namespace, version, name, checksum) VALUES ($1, $2, $3, $4)',
        [namespace, migration.version, migration.name, checksum],
      );
      return true;
    }, LOCKED_READ);
    if (ran) applied.push({ namespace, version: migration.version, name: migration.name, checksum });
  }
  return applied;
}
