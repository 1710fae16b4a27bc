// Conditional operations and concurrency on in-memory PGlite (the same suite runs on PostgreSQL).
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll } from 'vitest';
import { conditionalSuite } from './support/conditional-suite.ts';
import { type RecordsApp, startRecordsApp } from './support/records-app.ts';

let database: TestDatabase;
let records: RecordsApp;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  records = await startRecordsApp(database.db);
});
afterAll(async () => {
  await records?.stop();
  await database?.drop();
});

conditionalSuite(() => ({ records, db: database.db }));
