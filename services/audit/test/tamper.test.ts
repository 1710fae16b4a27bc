// Tamper tests: an attacker with the table owner's rights switches the append-only triggers off and
// edits, deletes, reorders or truncates the log; verification finds each. Also what it cannot find
// without the signing key or an external anchor (documented in the README).
import type { Database } from '@healthlane/store';
import { migrate } from '@healthlane/store';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditMigrations, chainHash, type VerifyReport, verifyAuditLog } from '../src/index.ts';
import { createAppender } from '../src/store/appender.ts';
import { sampleEvent, testClock } from './support/audit-app.ts';

const key = 'k'.repeat(40);
let database: TestDatabase;
let db: Database;

/** Ten records in batches of three (checkpoints after 3, 6, 9, 10), signed with `key`. */
async function buildChain(): Promise<void> {
  const appender = createAppender({
    db,
    clock: testClock(),
    batchSize: 3,
    checkpointKey: key,
    useWriterRole: true,
  });
  for (let index = 1; index <= 10; index += 1) {
    const event = { ...sampleEvent({ resources: [`Observation/o${index}`] }), id: `e${index}` };
    await db.query('INSERT INTO audit.inbox (event_id, event) VALUES ($1, $2)', [
      `e${index}`,
      JSON.stringify(event),
    ]);
  }
  while ((await appender.appendBatch()) > 0) {}
}

const tables = ['log', 'checkpoint', 'search_token'];

/** Runs `sql` as an owner who has switched the append-only triggers off. */
async function tamper(...statements: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const table of tables) await tx.query(`ALTER TABLE audit.${table} DISABLE TRIGGER USER`);
    for (const sql of statements) await tx.query(sql);
    for (const table of tables) await tx.query(`ALTER TABLE audit.${table} ENABLE TRIGGER USER`);
  });
}

/** Recomputes every hash from `fromSeq` on, as an attacker covering an edit would. */
async function rehashFrom(fromSeq: number): Promise<void> {
  const { rows } = await db.query<{ seq: number; record: string; prev_hash: string }>(
    'SELECT seq, record, prev_hash FROM audit.log WHERE seq >= $1 ORDER BY seq',
    [fromSeq],
  );
  let previous = rows[0]!.prev_hash;
  const updates: string[] = [];
  for (const row of rows) {
    const hash = chainHash(previous, row.record);
    updates.push(`UPDATE audit.log SET prev_hash = '${previous}', hash = '${hash}' WHERE seq = ${row.seq}`);
    previous = hash;
  }
  await tamper(...updates);
}

const kinds = (report: VerifyReport) => [...new Set(report.problems.map((problem) => problem.kind))].sort();

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  db = database.db;
  await migrate(db, 'audit', auditMigrations);
});
// Every test starts from the same fresh chain (the attacker's rights are needed to clear it).
beforeEach(async () => {
  await tamper(...tables.map((table) => `DELETE FROM audit.${table}`));
  await buildChain();
});
afterAll(async () => {
  await database?.drop();
});

describe('audit verify', () => {
  it('accepts the untouched chain, with and without the key', async () => {
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true, records: 10, checkpoints: 4, problems: [] });
    expect(await verifyAuditLog(db, { key })).toMatchObject({ ok: true, signedCheckpoints: 4 });
  });

  it('detects an edited record', async () => {
    await tamper(
      `UPDATE audit.log SET record = replace(record, '"outcome":"0"', '"outcome":"4"') WHERE seq = 5`,
    );
    const report = await verifyAuditLog(db);
    expect(report.ok).toBe(false);
    expect(report.problems[0]).toMatchObject({ kind: 'hash-mismatch', seq: 5 });
  });

  it('detects an edited record whose own hash was recomputed (the next link breaks)', async () => {
    await tamper(`UPDATE audit.log SET record = replace(record, 'o5', 'o55') WHERE seq = 5`);
    const { rows } = await db.query<{ record: string; prev_hash: string }>(
      'SELECT record, prev_hash FROM audit.log WHERE seq = 5',
    );
    await tamper(
      `UPDATE audit.log SET hash = '${chainHash(rows[0]!.prev_hash, rows[0]!.record)}' WHERE seq = 5`,
    );
    expect(kinds(await verifyAuditLog(db))).toContain('broken-link');
  });

  it('detects an edit covered by rehashing the rest of the chain (checkpoints disagree)', async () => {
    await tamper(`UPDATE audit.log SET record = replace(record, 'o5', 'o55') WHERE seq = 5`);
    await rehashFrom(5);
    expect(kinds(await verifyAuditLog(db))).toContain('checkpoint-mismatch');
  });

  it('with the key, detects a rewrite that also forged the checkpoints; without it, cannot', async () => {
    await tamper(`UPDATE audit.log SET record = replace(record, 'o5', 'o55') WHERE seq = 5`);
    await rehashFrom(5);
    const { rows } = await db.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit.log');
    const hashes = new Map(rows.map((row) => [Number(row.seq), row.hash]));
    await tamper(
      ...[6, 9, 10].map(
        (seq) => `UPDATE audit.checkpoint SET hash = '${hashes.get(seq)}' WHERE seq = ${seq}`,
      ),
    );
    expect(kinds(await verifyAuditLog(db, { key }))).toEqual(['checkpoint-signature', 'unanchored-tail']);
    expect((await verifyAuditLog(db)).ok).toBe(true); // the documented limit: no key, no proof
  });

  it('detects a deleted record', async () => {
    await tamper('DELETE FROM audit.log WHERE seq = 4');
    const report = await verifyAuditLog(db);
    expect(report.problems[0]).toMatchObject({ kind: 'gap', seq: 5 });
  });

  it('detects a deleted record whose successors were renumbered and rehashed', async () => {
    await tamper(
      'DELETE FROM audit.log WHERE seq = 4',
      ...[5, 6, 7, 8, 9, 10].map((seq) => `UPDATE audit.log SET seq = ${seq - 1} WHERE seq = ${seq}`),
    );
    await rehashFrom(4);
    expect(kinds(await verifyAuditLog(db))).toEqual(
      expect.arrayContaining(['record-mismatch', 'checkpoint-mismatch', 'checkpoint-beyond-head']),
    );
  });

  it('detects reordered records', async () => {
    await tamper(
      'UPDATE audit.log SET seq = 1000 WHERE seq = 3',
      'UPDATE audit.log SET seq = 3 WHERE seq = 4',
      'UPDATE audit.log SET seq = 4 WHERE seq = 1000',
    );
    const report = await verifyAuditLog(db);
    expect(report.ok).toBe(false);
    expect(kinds(report)).toEqual(expect.arrayContaining(['broken-link', 'record-mismatch']));
  });

  it('detects a truncated tail through the checkpoints', async () => {
    await tamper('DELETE FROM audit.log WHERE seq > 7');
    expect(kinds(await verifyAuditLog(db))).toEqual(['checkpoint-beyond-head', 'unanchored-tail']);
  });

  it('detects a tail truncated with its checkpoints only against an external anchor', async () => {
    const anchor = (await verifyAuditLog(db)).head;
    await tamper('DELETE FROM audit.log WHERE seq > 6', 'DELETE FROM audit.checkpoint WHERE seq > 6');
    expect((await verifyAuditLog(db, { key })).ok).toBe(true); // the documented limit without an anchor
    const report = await verifyAuditLog(db, { anchor });
    expect(kinds(report)).toEqual(['anchor-beyond-head']);
  });

  it('detects records forged onto the end when checkpoints are signed', async () => {
    const { rows } = await db.query<{ hash: string; record: string }>(
      'SELECT hash, record FROM audit.log WHERE seq = 10',
    );
    const record = rows[0]!.record.replace('"seq":10', '"seq":11').replaceAll('"id":"e10"', '"id":"forged"');
    const hash = chainHash(rows[0]!.hash, record);
    await db.query(
      `INSERT INTO audit.log (seq, event_id, recorded, appended_at, record, prev_hash, hash)
       VALUES (11, 'forged', now(), now(), $1, $2, $3)`,
      [record, rows[0]!.hash, hash],
    );
    await db.query(
      'INSERT INTO audit.checkpoint (seq, hash, created_at, signature) VALUES (11, $1, now(), NULL)',
      [hash],
    );
    expect(kinds(await verifyAuditLog(db, { key }))).toEqual(['checkpoint-signature', 'unanchored-tail']);
  });
});
