// Crash tests for the distributed pair: PostgreSQL and NATS JetStream, each fixture process its own
// connection to the shared servers (a throwaway database and stream).
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll } from 'vitest';
import { createTestNatsBus, type TestNatsBus } from '../src/testing.ts';
import { faultSuite } from './faults/fault-suite.ts';

let pg: TestPostgresDatabase;
let nats: TestNatsBus;

beforeAll(async () => {
  [pg, nats] = await Promise.all([createTestPostgresDatabase(), createTestNatsBus()]);
});

afterAll(async () => {
  await nats?.drop();
  await pg?.drop();
});

faultSuite('PostgreSQL + NATS JetStream', () => ({
  HL_FAULT_DB_URL: pg.url,
  HL_FAULT_NATS_URL: nats.url,
  HL_FAULT_NATS_STREAM: nats.stream,
  HL_FAULT_NATS_PREFIX: nats.subjectPrefix,
}));
