// The embedded adapter: the SQL port over PGlite (PostgreSQL compiled to WebAssembly, in-process).
// One connection: PGlite's own mutex makes every query outside a transaction wait until it ends.
import { access, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { DatabaseLifecycle } from './database-lifecycle.ts';
import { toWireParams, type WireParam } from './param-serializer.ts';
import { pgliteTemplate } from './pglite-template.ts';
import { toSqlError } from './sql-error.ts';
import type { Database, QueryResult, Transaction, TransactionOptions } from './sql-port.ts';
import { assertOutsideTransaction, runInTransactionScope, transactionModeSql } from './transaction-scope.ts';
import { typeParsers } from './type-parsers.ts';

export interface PgliteDatabaseOptions {
  /**
   * 'memory://' for a throwaway in-memory database, else the directory holding PGDATA (created if
   * missing, and locked by `<dataDir>.lock` while open so a second instance cannot corrupt it).
   */
  dataDir: string;
}

type PgliteSql = Pick<PGlite, 'query' | 'exec'> | PgliteTransaction;

async function runQuery<Row>(pg: PgliteSql, sql: string, params: WireParam[]): Promise<QueryResult<Row>> {
  try {
    const result = await pg.query<Row>(sql, params);
    return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
  } catch (err) {
    throw toSqlError(err, params);
  }
}

async function runExec(pg: PgliteSql, sql: string): Promise<void> {
  try {
    await pg.exec(sql);
  } catch (err) {
    throw toSqlError(err);
  }
}

/** A transaction handle that refuses use after its transaction has ended (e.g. a leaked promise). */
class PgliteScopedTransaction implements Transaction {
  readonly #tx: PgliteTransaction;
  ended = false;

  constructor(tx: PgliteTransaction) {
    this.#tx = tx;
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    this.#assertOpen();
    return runQuery<Row>(this.#tx, sql, toWireParams(params, 'hex'));
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen();
    return runExec(this.#tx, sql);
  }

  #assertOpen(): void {
    if (this.ended) throw new Error('the transaction has already ended: this handle can no longer be used');
  }
}

class PgliteDatabase implements Database {
  readonly dialect = 'pglite';
  readonly #pg: PGlite;
  readonly #lock: DataDirLock | undefined;
  readonly #lifecycle = new DatabaseLifecycle();

  constructor(pg: PGlite, lock: DataDirLock | undefined) {
    this.#pg = pg;
    this.#lock = lock;
  }

  // async so that misuse (nested use, unsupported parameter) rejects rather than throws synchronously.
  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    assertOutsideTransaction(this, 'query');
    const wire = toWireParams(params, 'hex');
    return this.#lifecycle.run(() => runQuery<Row>(this.#pg, sql, wire));
  }

  async exec(sql: string): Promise<void> {
    assertOutsideTransaction(this, 'exec');
    return this.#lifecycle.run(() => runExec(this.#pg, sql));
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    assertOutsideTransaction(this, 'transaction');
    const mode = transactionModeSql(options);
    return this.#lifecycle.run(() => this.#transaction(work, mode));
  }

  async #transaction<T>(work: (tx: Transaction) => Promise<T>, mode: string): Promise<T> {
    let workFailure: { error: unknown } | undefined;
    try {
      // PGlite.transaction runs BEGIN, COMMIT (failing with 25P02 if the transaction was aborted)
      // and ROLLBACK when the callback throws, all under its exclusive transaction lock.
      return await this.#pg.transaction(async (tx) => {
        if (mode) await tx.exec(`SET TRANSACTION ${mode}`);
        const handle = new PgliteScopedTransaction(tx);
        try {
          return await runInTransactionScope(this, () => work(handle));
        } catch (error) {
          workFailure = { error };
          throw error;
        } finally {
          handle.ended = true;
        }
      });
    } catch (err) {
      // The caller's own error wins, even when the ROLLBACK after it failed too.
      if (workFailure) throw workFailure.error;
      throw toSqlError(err);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.#lifecycle.close(async () => {
      await this.#pg.close();
      await this.#lock?.release();
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Starts PGlite (about a second) with the session settings the shared type parsers rely on. */
export async function openPgliteDatabase(options: PgliteDatabaseOptions): Promise<Database> {
  let dataDir = options.dataDir;
  let lock: DataDirLock | undefined;
  if (!dataDir.startsWith('memory://')) {
    dataDir = resolve(dataDir);
    await mkdir(dirname(dataDir), { recursive: true });
    lock = await lockDataDir(`${dataDir}.lock`);
  }
  let pg: PGlite;
  try {
    if (lock) await mkdir(dataDir, { recursive: true });
    // A new cluster starts from the cached template rather than running initdb again.
    const fresh = !lock || !(await exists(`${dataDir}/PG_VERSION`));
    const loadDataDir = fresh ? await pgliteTemplate() : undefined;
    pg = await PGlite.create(dataDir, loadDataDir ? { loadDataDir } : {});
    await pg.exec("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET IntervalStyle = 'postgres'");
  } catch (err) {
    await lock?.release();
    throw toSqlError(err);
  }
  // Replace PGlite's own codecs: parameters arrive pre-serialized (param-serializer.ts) and results
  // are parsed exactly as the PostgreSQL adapter parses them.
  pg.parsers = Object.fromEntries(typeParsers);
  pg.serializers = {};
  return new PgliteDatabase(pg, lock);
}
