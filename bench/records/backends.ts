// The storage a benchmarked `healthlane start` runs on: PGlite in a fresh temp data directory, or a
// fresh `hl_bench_<random>` database on the local PostgreSQL. Both are removed by `dispose()`.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestNatsBus } from '@healthlane/bus/testing';
import pg from 'pg';

export type BackendName = 'pglite' | 'postgres' | 'postgres-nats';
export const backendNames: readonly BackendName[] = ['pglite', 'postgres', 'postgres-nats'];

export interface Backend {
  name: BackendName;
  /** What the results call it (no credentials). */
  description: string;
  /** Environment for `healthlane start`. */
  env: Record<string, string>;
  dispose(): Promise<void>;
}

export const POSTGRES_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function onPostgresServer(sql: string): Promise<void> {
  const client = new pg.Client({
    connectionString: POSTGRES_SERVER_URL,
    application_name: 'healthlane-bench-admin',
    connectionTimeoutMillis: 10_000,
  });
  client.on('error', () => {}); // a dropped admin connection surfaces through the query below
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function prepareBackend(name: BackendName): Promise<Backend> {
  if (name === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'hl-bench-records-'));
    return {
      name,
      description: 'PGlite in a temp data directory (on disk)',
      env: { HEALTHLANE_DATA_DIR: dataDir },
      dispose: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  const suffix = randomBytes(6).toString('hex');
  const database = `hl_bench_${suffix}`;
  // template0: template1 cannot be copied while others on the shared server are connected to it.
  await onPostgresServer(`CREATE DATABASE ${database} TEMPLATE template0 ENCODING 'UTF8'`);
  const url = new URL(POSTGRES_SERVER_URL);
  url.pathname = `/${database}`;
  const dropDatabase = () => onPostgresServer(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (name === 'postgres-nats') {
    // The production shape: data on PostgreSQL, events on NATS JetStream (not in PostgreSQL).
    // A stream of its own on the shared server (created here, deleted by dispose).
    const nats = await createTestNatsBus();
    return {
      name,
      description: `PostgreSQL (fresh database ${database}) + NATS JetStream on 127.0.0.1:4222 (stream ${nats.stream})`,
      env: {
        DATABASE_URL: url.toString(),
        NATS_URL: nats.url,
        NATS_STREAM: nats.stream,
        NATS_SUBJECT_PREFIX: nats.subjectPrefix,
      },
      dispose: async () => {
        await nats.drop().catch((error: Error) => console.error(`stream ${nats.stream}: ${error.message}`));
        await dropDatabase();
      },
    };
  }
  return {
    name,
    description: `PostgreSQL on 127.0.0.1:5432, fresh database ${database}`,
    env: { DATABASE_URL: url.toString() },
    dispose: dropDatabase,
  };
}
