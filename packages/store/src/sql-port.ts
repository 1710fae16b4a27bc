// The SQL port: the one interface every service's persistence is written against.
// Two adapters implement it — PGlite (embedded, in-process) and PostgreSQL (node-postgres pool) —
// and one contract suite (test/contract/) proves they behave the same.

/** Rows come back as plain objects keyed by column name. */
export interface QueryResult<Row> {
  rows: Row[];
  /** Rows affected by INSERT/UPDATE/DELETE, or returned by SELECT. */
  rowCount: number;
}

/** Something that runs SQL: the database itself or an open transaction. */
export interface SqlExecutor {
  /**
   * Runs one parameterised statement ($1, $2, ...). Values are sent as parameters, never
   * interpolated. Type mapping is identical across adapters: int8/numeric as JS number when
   * safe (int8 beyond 2^53 as string), timestamptz as Date, json/jsonb parsed, bytea as Uint8Array.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs several statements without parameters (DDL, migrations). */
  exec(sql: string): Promise<void>;
}

export type Transaction = SqlExecutor;

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
}

export type DatabaseDialect = 'pglite' | 'postgres';

export interface Database extends SqlExecutor {
  readonly dialect: DatabaseDialect;
  /**
   * Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error
   * is rethrown). Nested calls are not supported — pass the Transaction down instead.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Resolves when the database answers a trivial query; used by /readyz. */
  ping(): Promise<void>;
  /** Waits for running statements, then releases every connection. Idempotent. */
  close(): Promise<void>;
}

/** One versioned schema change, owned by one namespace (a service or package). */
export interface Migration {
  /** Strictly increasing within the namespace, starting at 1. */
  version: number;
  /** Short kebab-case description, e.g. 'create-outbox'. */
  name: string;
  /** SQL to run; it runs inside a transaction together with the bookkeeping row. */
  sql: string;
}
