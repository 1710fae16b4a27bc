// The one error type for database failures, and the predicates services branch on (retry, 409, 503).
// Both adapters convert every driver error into a SqlError, so callers never see driver types.

/** SQLSTATE codes the platform reacts to. See https://www.postgresql.org/docs/current/errcodes-appendix.html */
export const SqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  notNullViolation: '23502',
  checkViolation: '23514',
  exclusionViolation: '23P01',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  readOnlySqlTransaction: '25006',
  inFailedSqlTransaction: '25P02',
  queryCanceled: '57014',
  lockNotAvailable: '55P03',
  connectionDoesNotExist: '08003',
  connectionFailure: '08006',
  adminShutdown: '57P01',
  crashShutdown: '57P02',
  cannotConnectNow: '57P03',
  undefinedTable: '42P01',
  syntaxError: '42601',
} as const;

export interface SqlErrorFields {
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  schema?: string | undefined;
}

/**
 * A failure reported by the database (or the connection to it). The message never contains
 * parameter values or row contents: it is safe to log and to return in an error body.
 */
export class SqlError extends Error {
  override readonly name = 'SqlError';
  /** SQLSTATE, e.g. '23505'. Client-side connection problems use class 08 ('08006', '08003'). */
  readonly code: string;
  readonly constraint: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly schema: string | undefined;

  constructor(code: string, message: string, fields: SqlErrorFields = {}) {
    super(message);
    this.code = code;
    this.constraint = fields.constraint;
    this.table = fields.table;
    this.column = fields.column;
    this.schema = fields.schema;
  }
}

export function isSqlError(err: unknown): err is SqlError {
  return err instanceof SqlError;
}

function hasCode(err: unknown, ...codes: string[]): boolean {
  return err instanceof SqlError && codes.includes(err.code);
}

export const isUniqueViolation = (err: unknown): boolean => hasCode(err, SqlState.uniqueViolation);
export const isForeignKeyViolation = (err: unknown): boolean => hasCode(err, SqlState.foreignKeyViolation);
export const isNotNullViolation = (err: unknown): boolean => hasCode(err, SqlState.notNullViolation);
export const isCheckViolation = (err: unknown): boolean => hasCode(err, SqlState.checkViolation);
/** The transaction lost a race (serializable conflict or deadlock): retrying the whole transaction may succeed. */
export const isSerializationFailure = (err: unknown): boolean =>
  hasCode(err, SqlState.serializationFailure, SqlState.deadlockDetected);
/** statement_timeout fired or the statement was cancelled. */
export const isQueryCanceled = (err: unknown): boolean => hasCode(err, SqlState.queryCanceled);
/** FOR UPDATE NOWAIT / lock_timeout could not get the lock. */
export const isLockNotAvailable = (err: unknown): boolean => hasCode(err, SqlState.lockNotAvailable);
/** The database is unreachable, shutting down, or the connection broke: map to 503 / unready. */
export function isConnectionFailure(err: unknown): boolean {
  return (
    err instanceof SqlError &&
    (err.code.startsWith('08') ||
      hasCode(err, SqlState.adminShutdown, SqlState.crashShutdown, SqlState.cannotConnectNow))
  );
}

// PostgreSQL's messages in these classes name only identifiers (tables, constraints, types) or
// SQL text; other classes — notably 22 (data exception) and P0 (RAISE) — quote input values,
// e.g. `invalid input syntax for type integer: "<value>"`, so their text is withheld.
const CLASSES_WITH_SAFE_MESSAGES = new Set([
  '08',
  '0A',
  '23',
  '25',
  '28',
  '3D',
  '3F',
  '40',
  '42',
  '53',
  '54',
  '55',
  '57',
  '58',
  'XX',
]);

// 42601 also reports bad jsonpath/tsquery *input* (`syntax error in tsquery: "<value>"`); only the
// SQL parser's own templates, which quote the statement text, are kept.
const SAFE_SYNTAX_ERROR =
  /^(syntax error|unterminated [a-z /-]+) at or near ".*"$|^syntax error at end of input$|^cannot insert multiple commands into a prepared statement$/;

const WITHHELD_MESSAGES: Record<string, string> = {
  '22001': 'value too long for its column type',
  '22003': 'numeric value out of range',
  '22007': 'invalid date/time format',
  '22008': 'date/time field value out of range',
  '22012': 'division by zero',
  '22P02': 'invalid input syntax for its type',
  '42601': 'syntax error (message withheld: it may quote a value)',
  '23505': 'duplicate key value violates a unique constraint',
  '23503': 'foreign key violation',
  '23502': 'not-null violation',
  '23514': 'check constraint violation',
  '22': 'invalid data value',
  P0: 'error raised by a database function',
};

interface DriverDatabaseError extends Error {
  code: string;
  severity: string | undefined;
  constraint?: string | undefined;
  table?: string | undefined;
  column?: string | undefined;
  schema?: string | undefined;
}

function isDriverDatabaseError(err: unknown): err is DriverDatabaseError {
  return (
    err instanceof Error &&
    'severity' in err &&
    'code' in err &&
    typeof err.code === 'string' &&
    /^[0-9A-Z]{5}$/.test(err.code)
  );
}

function isSafeMessage(code: string, message: string): boolean {
  if (code === SqlState.syntaxError) return SAFE_SYNTAX_ERROR.test(message);
  return CLASSES_WITH_SAFE_MESSAGES.has(code.slice(0, 2));
}

/**
 * Second line of defence: PostgreSQL also echoes input it parses as a name (`$1::regtype` gives
 * `syntax error at or near "<word>"`, `$1::regclass` a lower-cased `relation "<value>"`), so a
 * message sharing any word of 3+ characters with a parameter is withheld altogether.
 */
function mentionsParam(message: string, params: readonly unknown[]): boolean {
  const text = message.toLowerCase();
  return params.some(
    (param) =>
      typeof param === 'string' &&
      param
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .some((word) => word.length >= 3 && text.includes(word)),
  );
}

/**
 * Converts what a driver threw into a SqlError, copying only the SQLSTATE, identifier fields and
 * a message known to carry no values. The driver error is deliberately not kept as `cause`: its
 * `detail` holds row values and PGlite attaches the query parameters to it. `params` are the
 * statement's wire parameters, used to withhold a message that quotes one anyway.
 */
export function toSqlError(err: unknown, params: readonly unknown[] = []): SqlError {
  if (err instanceof SqlError) return err;
  if (isDriverDatabaseError(err)) {
    const cls = err.code.slice(0, 2);
    const text =
      isSafeMessage(err.code, err.message) && !mentionsParam(err.message, params)
        ? err.message
        : `${WITHHELD_MESSAGES[err.code] ?? WITHHELD_MESSAGES[cls] ?? 'database error (message withheld: it may quote a value)'}${err.constraint ? ` on constraint "${err.constraint}"` : ''}`;
    return new SqlError(err.code, `${text} (SQLSTATE ${err.code})`, {
      constraint: err.constraint,
      table: err.table,
      column: err.column,
      schema: err.schema,
    });
  }
  // Anything else a driver throws is about the connection (refused, reset, timed out, closed).
  const reason = err instanceof Error ? err.message : 'unknown driver failure';
  return new SqlError(SqlState.connectionFailure, `database connection failure: ${reason}`);
}
