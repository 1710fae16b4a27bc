// Events through the outbox on PGlite with the in-process bus (the same suite runs on PostgreSQL).
import { type Bus, createInProcessBus } from '@healthlane/bus';
import { migrate } from '@healthlane/store';
import { createTestPgliteDatabase, type TestDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll } from 'vitest';
import { recordsMigrations } from '../src/index.ts';
import { eventsSuite } from './support/events-suite.ts';

let database: TestDatabase;
let bus: Bus;

beforeAll(async () => {
  database = await createTestPgliteDatabase();
  await migrate(database.db, 'records', recordsMigrations);
  bus = await createInProcessBus({ db: database.db });
});
afterAll(async () => {
  await bus?.close();
  await database?.drop();
});

eventsSuite(() => ({ db: database.db, bus }));
