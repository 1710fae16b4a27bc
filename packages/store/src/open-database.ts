// Picks the adapter: a URL means PostgreSQL (distributed mode), otherwise embedded PGlite (all-in-one).
import { join } from 'node:path';
import { openPgliteDatabase } from './pglite-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';
import type { SqlError } from './sql-error.ts';
import type { Database } from './sql-port.ts';

export interface OpenDatabaseOptions {
  /** PostgreSQL connection URL; when set, the other PGlite-only options are ignored. */
  url?: string;
  /**
   * PGlite: 'memory://' for an in-memory database, else a directory (created if missing) whose
   * `pgdata/` subfolder holds the database files. Required when `url` is not set.
   */
  dataDir?: string;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL application_name (default 'healthlane'). */
  applicationName?: string;
  /** PostgreSQL statement_timeout in milliseconds (default: none). */
  statementTimeoutMs?: number;
  /** PostgreSQL: distinct statements prepared under a name per connection (default 1000; 0 = off). */
  preparedStatements?: number;
  /** PostgreSQL: told when an idle pooled connection fails; the pool replaces it. */
  onPoolError?: (error: SqlError) => void;
}

export function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url) {
    const { url, poolSize, applicationName, statementTimeoutMs, onPoolError, preparedStatements } = options;
    return openPostgresDatabase({
      url,
      poolSize,
      applicationName,
      statementTimeoutMs,
      onPoolError,
      preparedStatements,
    });
  }
  if (!options.dataDir) {
    return Promise.reject(
      new TypeError('openDatabase needs either `url` (PostgreSQL) or `dataDir` (PGlite)'),
    );
  }
  const dataDir = options.dataDir.startsWith('memory://') ? options.dataDir : join(options.dataDir, 'pgdata');
  return openPgliteDatabase({ dataDir });
}
