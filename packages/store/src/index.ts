// @healthlane/store public API: the SQL port, its PGlite and PostgreSQL adapters, migrations, errors.
export { type AppliedMigration, MigrationError, migrate, migrationChecksum } from './migrate.ts';
export { type OpenDatabaseOptions, openDatabase } from './open-database.ts';
export { openPgliteDatabase, type PgliteDatabaseOptions } from './pglite-database.ts';
export { openPostgresDatabase, type PostgresDatabaseOptions } from './postgres-database.ts';
export {
  isCheckViolation,
  isConnectionFailure,
  isForeignKeyViolation,
  isLockNotAvailable,
  isNotNullViolation,
  isQueryCanceled,
  isSerializationFailure,
  isSqlError,
  isUniqueViolation,
  SqlError,
  type SqlErrorFields,
  SqlState,
} from './sql-error.ts';
export type {
  Database,
  DatabaseDialect,
  Migration,
  QueryResult,
  SqlExecutor,
  Transaction,
  TransactionOptions,
} from './sql-port.ts';
