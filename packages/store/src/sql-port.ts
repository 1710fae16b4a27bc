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
   * Runs exactly one parameterised statement ($1, $2, ...); several statements fail with 42601.
   * Values are sent as parameters, never interpolated. Results map identically on every adapter:
   * int2/int4/float as number; int8 as number when within ±(2^53-1), else its decimal string;
   * numeric as an exact decimal string; bool; text/varchar/uuid/interval/time as string; date as
   * 'YYYY-MM-DD'; timestamptz (and timestamp, read as UTC) as Date; json/jsonb parsed; bytea as
   * Uint8Array; arrays of these as (nested) JS arrays; anything else as text. Parameters:
   * Date → ISO-8601 UTC, Uint8Array → bytea, JS array → SQL array, other object → JSON text
   * (so pass JSON.stringify(array) for a json/jsonb array). Failures reject with SqlError.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs several statements without parameters (DDL, migrations), in the simple query protocol. */
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
   * Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the same
   * error is rethrown). If `work` swallowed a database error, the commit fails with SqlError
   * 25P02 and nothing is stored. Calling this database's query/exec/transaction from inside
   * `work` rejects (on PGlite it would deadlock): use the Transaction passed to `work`.
   * On PGlite transactions run one at a time and other queries wait for them.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Resolves when the database answers a trivial query; used by /readyz. Rejects with SqlError. */
  ping(): Promise<void>;
  /**
   * Refuses new work (SqlError 08003), waits for running statements and transactions, then releases
   * every connection (and PGlite's data-directory lock). Idempotent.
   */
  close(): Promise<void>;
}

/** One versioned schema change, owned by one namespace (a service or package). */
export interface Migration {
  /** Strictly increasing within the namespace, starting at 1. */
  version: number;
  /** Short kebab-case description, e.g. 'create-outbox'. */
  name: string;
  /**
   * SQL to run; it runs inside a transaction together with the bookkeeping row, so it must not
   * contain BEGIN/COMMIT or statements that cannot run in a transaction (CREATE INDEX CONCURRENTLY).
   * Never edit it once released: migrate() refuses a changed checksum.
   */
  sql: string;
}
