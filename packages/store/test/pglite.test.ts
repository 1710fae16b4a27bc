// The PGlite adapter: the SQL port contract in memory, plus what only the embedded database does.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/index.ts';
import { createTestPgliteDatabase, type TestDatabase } from '../src/testing.ts';
import { describeSqlPortContract } from './contract/sql-port-contract.ts';

// One instance for the whole file: PGlite takes a second or more to start.
let shared: TestDatabase;
beforeAll(async () => {
  shared = await createTestPgliteDatabase();
});
afterAll(() => shared.drop());

describeSqlPortContract('PGlite (memory)', async () => ({
  db: shared.db,
  // One process holds one PGlite: "replicas" are concurrent callers of the same instance.
  withReplicas: (count, use) => use(Array.from({ length: count }, () => shared.db)),
  openSpare: () => openDatabase({ dataDir: 'memory://' }),
  drop: async () => {},
}));

describe('PGlite only', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('keeps acknowledged writes in <dataDir>/pgdata through a kill, a close and a reopen', async () => {
    const root = await mkdtemp(join(tmpdir(), 'healthlane-store-'));
    dirs.push(root);
    const dataDir = join(root, 'nested', '.healthlane');
    const fixture = fileURLToPath(new URL('./fixtures/pglite-write-then-hang.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let output = '';
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        output += chunk;
        if (output.includes('acked')) child.kill('SIGKILL');
      });
      const [code, signal] = await once(child, 'exit');
      expect([code, signal, output]).toEqual([null, 'SIGKILL', 'acked\n']);
    } finally {
      child.kill('SIGKILL');
    }
    expect(existsSync(join(dataDir, 'pgdata', 'PG_VERSION'))).toBe(true);

    const afterKill = await openDatabase({ dataDir });
    // The killed child's lock was stale and taken over; this process's own is not.
    await expect(openDatabase({ dataDir })).rejects.toMatchObject({ code: '55006' });
    expect((await afterKill.query('SELECT id FROM acked ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
    await afterKill.query('INSERT INTO acked VALUES ($1)', [3]);
    await afterKill.close();

    const afterClose = await openDatabase({ dataDir });
    try {
      expect((await afterClose.query('SELECT count(*) AS n FROM acked')).rows).toEqual([{ n: 3 }]);
    } finally {
      await afterClose.close();
    }
  }, 90_000); // three PGlite starts, one in a fresh process

  it('needs a url or a dataDir', async () => {
    await expect(openDatabase({})).rejects.toThrow(/needs either `url`/);
  });

  it('makes a query from outside wait for an open transaction, then see its committed result', async () => {
    const db = shared.db;
    await db.exec('CREATE TABLE waits (id int)');
    const order: string[] = [];
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    const tx = db.transaction(async (t) => {
      await t.query('INSERT INTO waits VALUES (1)');
      inserted();
      await new Promise((resolve) => setTimeout(resolve, 30));
      await t.query('INSERT INTO waits VALUES (2)');
      order.push('commit');
    });
    await insertedSignal;
    const outside = db.query<{ c: number }>('SELECT count(*) AS c FROM waits').then((result) => {
      order.push('outside');
      return result.rows[0]!.c;
    });
    await tx;
    expect(await outside).toBe(2);
    expect(order).toEqual(['commit', 'outside']);
  });
});
