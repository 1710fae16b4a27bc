// The server adapter: the SQL port over a bounded node-postgres pool, each transaction on its own client.
import {
  type CustomTypesConfig,
  type QueryResult as PgQueryResult,
  Pool,
  type PoolClient,
  type QueryConfig,
} from 'pg';
import { DatabaseLifecycle } from './database-lifecycle.ts';
import { toWireParams, type WireParam } from './param-serializer.ts';
import { SqlError, SqlState, toSqlError } from './sql-error.ts';
import type { Database, QueryResult, Transaction, TransactionOptions } from './sql-port.ts';
import { createStatementNames, isStalePrepared, type StatementNames } from './statement-names.ts';
import { assertOutsideTransaction, runInTransactionScope, transactionModeSql } from './transaction-scope.ts';
import { parserFor } from './type-parsers.ts';

export interface PostgresDatabaseOptions {
  /** postgres://user:password@host:port/database?sslmode=... */
  url: string;
  /** Most connections this process opens (default 10). Size it so replicas × poolSize fits max_connections. */
  poolSize?: number;
  /** Shown in pg_stat_activity (default 'healthlane'). */
  applicationName?: string;
  /** Server-side limit per statement; exceeding it fails with SQLSTATE 57014 (default: none). */
  statementTimeoutMs?: number;
  /** How long to wait for a connection, from the server or the pool (default 10 s). */
  connectionTimeoutMs?: number;
  /** Idle connections are closed after this long (default 30 s). */
  idleTimeoutMs?: number;
  /**
   * How many distinct statements are prepared under a name on each connection (parsed and planned
   * once, then only bound and executed); the rest go unnamed. 0 turns it off (needed behind a pooler
   * in transaction mode that cannot carry prepared statements). Default 1000.
   */
  preparedStatements?: number;
  /** Told when an idle pooled connection fails (server restart, network cut); the pool replaces it. */
  onPoolError?: (error: SqlError) => void;
}

type Queryable = Pick<Pool, 'query'> | PoolClient;

/** How one adapter runs extended-protocol statements: which get prepared under a name. */
interface Runner {
  names: StatementNames | undefined;
}

async function runQuery<Row>(
  runner: Runner,
  target: Queryable,
  sql: string,
  values: WireParam[],
  retryUnnamed: boolean,
): Promise<QueryResult<Row>> {
  // Extended protocol even without parameters, as PGlite does: one statement per query().
  const name = runner.names?.nameFor(sql);
  const config: QueryConfig<WireParam[]> & { queryMode: 'extended' } = {
    text: sql,
    values,
    queryMode: 'extended',
    ...(name !== undefined && { name }),
  };
  try {
    const result = await target.query(config);
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
  } catch (err) {
    const { code, message } = err as { code?: string; message?: string };
    if (name !== undefined && isStalePrepared(code, message ?? '')) {
      // Send it unnamed from now on; outside a transaction nothing was done, so try once more.
      runner.names?.forget(sql);
      if (retryUnnamed) return runQuery(runner, target, sql, values, false);
    }
    throw toSqlError(err, values);
  }
}

async function runSimple(target: Queryable, sql: string): Promise<PgQueryResult> {
  try {
    return await target.query(sql);
  } catch (err) {
    throw toSqlError(err);
  }
}

/** A transaction handle that refuses use after its transaction has ended (e.g. a leaked promise). */
class PostgresScopedTransaction implements Transaction {
  readonly #client: PoolClient;
  readonly #runner: Runner;
  ended = false;

  constructor(client: PoolClient, runner: Runner) {
    this.#client = client;
    this.#runner = runner;
  }

  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    this.#assertOpen();
    return runQuery<Row>(this.#runner, this.#client, sql, toWireParams(params, 'binary'), false);
  }

  async exec(sql: string): Promise<void> {
    this.#assertOpen();
    await runSimple(this.#client, sql);
  }

  #assertOpen(): void {
    if (this.ended) throw new Error('the transaction has already ended: this handle can no longer be used');
  }
}

/** True when the client is back in a clean state and may return to the pool. */
async function rollback(client: PoolClient): Promise<boolean> {
  try {
    await client.query('ROLLBACK');
    return true;
  } catch {
    return false;
  }
}

class PostgresDatabase implements Database {
  readonly dialect = 'postgres';
  readonly #pool: Pool;
  readonly #runner: Runner;
  readonly #lifecycle = new DatabaseLifecycle();

  constructor(pool: Pool, runner: Runner) {
    this.#pool = pool;
    this.#runner = runner;
  }

  // async so that misuse (nested use, unsupported parameter) rejects rather than throws synchronously.
  async query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    assertOutsideTransaction(this, 'query');
    const values = toWireParams(params, 'binary');
    return this.#lifecycle.run(() => runQuery<Row>(this.#runner, this.#pool, sql, values, true));
  }

  async exec(sql: string): Promise<void> {
    assertOutsideTransaction(this, 'exec');
    return this.#lifecycle.run(async () => {
      await runSimple(this.#pool, sql);
    });
  }

  async transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    assertOutsideTransaction(this, 'transaction');
    const begin = `BEGIN ${transactionModeSql(options)}`.trim();
    return this.#lifecycle.run(() => this.#transaction(work, begin));
  }

  async #transaction<T>(work: (tx: Transaction) => Promise<T>, begin: string): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw toSqlError(err);
    }
    // A checked-out client has no pool listener: without ours, a connection dropped between two
    // statements would emit an unhandled 'error' and crash the process.
    let broken = false;
    const onClientError = () => {
      broken = true;
    };
    client.on('error', onClientError);
    const handle = new PostgresScopedTransaction(client, this.#runner);
    let reusable = true;
    try {
      await runSimple(client, begin);
      let result: T;
      try {
        result = await runInTransactionScope(this, () => work(handle));
      } catch (error) {
        handle.ended = true;
        reusable = await rollback(client);
        throw error;
      }
      handle.ended = true;
      let commit: PgQueryResult;
      try {
        commit = await runSimple(client, 'COMMIT');
      } catch (error) {
        reusable = await rollback(client);
        throw error;
      }
      // COMMIT of a transaction aborted by an earlier (swallowed) error answers ROLLBACK, not an error.
      if (commit.command === 'ROLLBACK') {
        throw new SqlError(
          SqlState.inFailedSqlTransaction,
          `transaction was rolled back instead of committed (SQLSTATE ${SqlState.inFailedSqlTransaction})`,
        );
      }
      return result;
    } catch (error) {
      if (!handle.ended) {
        handle.ended = true;
        reusable = await rollback(client);
      }
      throw error;
    } finally {
      client.removeListener('error', onClientError);
      // A client whose ROLLBACK failed may still be inside a transaction: destroy it, never reuse it.
      client.release(!reusable || broken);
    }
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  close(): Promise<void> {
    return this.#lifecycle.close(() => this.#pool.end());
  }
}

const defaultPreparedStatements = 1_000;

/** Creates the pool; connections open lazily, so an unreachable server shows on first use (or ping). */
export async function openPostgresDatabase(options: PostgresDatabaseOptions): Promise<Database> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'healthlane',
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 30_000,
    ...(options.statementTimeoutMs !== undefined && { statement_timeout: options.statementTimeoutMs }),
    // The session settings the shared type parsers assume, identical to the PGlite adapter's.
    options: '-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres',
    types: { getTypeParser: parserFor as CustomTypesConfig['getTypeParser'] },
  });
  const onPoolError = options.onPoolError;
  pool.on('error', (err) => onPoolError?.(toSqlError(err)));
  const prepared = options.preparedStatements ?? defaultPreparedStatements;
  return new PostgresDatabase(pool, { names: prepared > 0 ? createStatementNames(prepared) : undefined });
}
