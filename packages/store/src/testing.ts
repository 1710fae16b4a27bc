// Test helpers (`@healthlane/store/testing`): a fresh PostgreSQL database per test file, or in-memory PGlite.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type OpenDatabaseOptions, openDatabase } from './open-database.ts';
import type { Database } from './sql-port.ts';

/** Used when HEALTHLANE_TEST_DATABASE_URL is not set. */
export const DEFAULT_TEST_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  db: Database;
  /** Closes `db` and deletes the data. Idempotent. */
  drop(): Promise<void>;
}

export interface TestPostgresDatabase extends TestDatabase {
  /** URL of the new database, for opening more Database instances (replicas) on it. */
  url: string;
  /** Database name, `hl_test_<random>`. */
  name: string;
}

export interface TestPostgresOptions extends Omit<OpenDatabaseOptions, 'url' | 'dataDir'> {
  /** Server to create the database on (default: HEALTHLANE_TEST_DATABASE_URL, else DEFAULT_TEST_SERVER_URL). */
  serverUrl?: string;
}

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl, application_name: 'healthlane-test-admin' });
  client.on('error', () => {}); // a dropped admin connection surfaces through the query below
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates a uniquely named database on the shared test server and opens it. Call `drop()` in
 * afterAll: it closes the pool and drops the database even if other sessions are still connected.
 */
export async function createTestPostgresDatabase(
  options: TestPostgresOptions = {},
): Promise<TestPostgresDatabase> {
  const { serverUrl: given, ...openOptions } = options;
  const serverUrl = given ?? process.env.HEALTHLANE_TEST_DATABASE_URL ?? DEFAULT_TEST_SERVER_URL;
  const name = `hl_test_${randomBytes(8).toString('hex')}`;
  // template0: template1 refuses to be copied while anyone else on the shared server is connected to it.
  await onServer(serverUrl, `CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ applicationName: 'healthlane-test', ...openOptions, url: url.toString() });
  let dropping: Promise<void> | undefined;
  const drop = () => {
    dropping ??= (async () => {
      await db.close();
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    })();
    return dropping;
  };
  return { db, url: url.toString(), name, drop };
}

/** An in-memory PGlite database (about a second to start: share one per test file where possible). */
export async function createTestPgliteDatabase(): Promise<TestDatabase> {
  const db = await openDatabase({ dataDir: 'memory://' });
  return { db, drop: () => db.close() };
}
