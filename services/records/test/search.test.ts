// Search on in-memory PGlite (the same suite runs on PostgreSQL in search.int.test.ts).
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll } from 'vitest';
import { type RecordsApp, startRecordsApp } from './support/records-app.ts';
import { loadFixtures } from './support/search-fixtures.ts';
import { searchSuite } from './support/search-suite.ts';

let database: TestDatabase;
let records: RecordsApp;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db);
  await loadFixtures(records);
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

searchSuite(() => ({ records, db: database.db }));
