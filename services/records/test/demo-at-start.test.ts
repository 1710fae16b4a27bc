// The demo data set: loaded in the background at start when HEALTHLANE_DEMO is on and the store is
// empty; left alone when the store already holds resources.
import { setTimeout as sleep } from 'node:timers/promises';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countRows, type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp | undefined;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

async function patients(): Promise<number> {
  const { rows } = await database.db.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM records.resource WHERE resource_type = 'Patient'",
  );
  return rows[0]!.count;
}

it('loads the demo patients on an empty store, and not again on a store that has resources', async () => {
  records = await startRecordsApp(database.db, { HEALTHLANE_DEMO: '1' });
  for (let i = 0; i < 600 && (await patients()) < 3; i++) await sleep(100);
  expect(await patients()).toBeGreaterThanOrEqual(3);
  await records.stop();
  const before = await countRows(database.db, 'resource_version');
  records = await startRecordsApp(database.db, { HEALTHLANE_DEMO: '1' });
  await sleep(500);
  expect(await countRows(database.db, 'resource_version')).toBe(before);
}, 90_000);
