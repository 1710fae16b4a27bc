// `healthlane audit verify` on an embedded data folder: exit 0 on an intact chain (advancing the
// anchor file), 1 with the problem named once the log was tampered with, 2 on bad usage.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditMigrations, createAppender } from '@healthlane/audit-service';
import { migrate, openDatabase } from '@healthlane/store';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../src/cli.ts';
import { captureConsole } from './support/capture-console.ts';

let dataDir: string;
const anchorOf = () => join(dataDir, 'audit-anchor.json');
const runCli = (argv: string[]) => captureConsole(() => run(argv, { HEALTHLANE_DATA_DIR: dataDir }));

async function withDatabase<T>(
  work: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>,
): Promise<T> {
  const db = await openDatabase({ dataDir });
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'hl-audit-verify-'));
  await withDatabase(async (db) => {
    await migrate(db, 'audit', auditMigrations);
    for (let index = 1; index <= 5; index += 1) {
      const event = { resourceType: 'AuditEvent', id: `e${index}`, recorded: '2026-12-01T00:00:00Z' };
      await db.query('INSERT INTO audit.inbox (event_id, event) VALUES ($1, $2)', [
        `e${index}`,
        JSON.stringify(event),
      ]);
    }
    let now = 0;
    const appender = createAppender({
      db,
      clock: { now: () => new Date(now++) },
      batchSize: 2,
      useWriterRole: false,
    });
    while ((await appender.appendBatch()) > 0) {}
  });
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

it('exits 0 on an intact chain and writes the anchor file (mode 0600)', async () => {
  const { result, out } = await runCli(['audit', 'verify', '--anchor', anchorOf()]);
  expect(result).toBe(0);
  expect(out).toContain('5 records');
  expect(out).toContain('OK: the chain is intact');
  expect(JSON.parse(await readFile(anchorOf(), 'utf8'))).toMatchObject({ seq: 5 });
  expect((await stat(anchorOf())).mode & 0o777).toBe(0o600);
});

it('exits 1 naming the problem after a tail was removed with its checkpoints (caught by the anchor)', async () => {
  await withDatabase((db) =>
    db.transaction(async (tx) => {
      await tx.query('ALTER TABLE audit.log DISABLE TRIGGER USER');
      await tx.query('ALTER TABLE audit.checkpoint DISABLE TRIGGER USER');
      await tx.query('DELETE FROM audit.log WHERE seq > 4');
      await tx.query('DELETE FROM audit.checkpoint WHERE seq > 4');
      await tx.query('ALTER TABLE audit.log ENABLE TRIGGER USER');
      await tx.query('ALTER TABLE audit.checkpoint ENABLE TRIGGER USER');
    }),
  );
  const { result, out } = await runCli(['audit', 'verify', '--anchor', anchorOf(), '--json']);
  expect(result).toBe(1);
  const report = JSON.parse(out);
  expect(report.report.problems.map((problem: { kind: string }) => problem.kind)).toContain(
    'anchor-beyond-head',
  );
  expect(report.anchorUpdated).toBe(false);
  expect(JSON.parse(await readFile(anchorOf(), 'utf8'))).toMatchObject({ seq: 5 }); // not advanced
});

it('exits 2 on a missing or unknown subcommand', async () => {
  expect((await runCli(['audit'])).result).toBe(2);
  expect((await runCli(['audit', 'erase'])).result).toBe(2);
});
