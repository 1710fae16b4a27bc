// Identity's AuditEvents on PostgreSQL: the same scenario as identity-audit.test.ts, with the whole
// platform (identity, records, audit service) on a fresh database of the shared server.
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, it } from 'vitest';
import { runIdentityAuditScenario, startAuditedPlatform } from './support/identity-audit-scenario.ts';
import type { Platform } from './support/platform.ts';

let database: TestPostgresDatabase;
let platform: Platform;

beforeAll(async () => {
  database = await createTestPostgresDatabase();
  platform = await startAuditedPlatform({ DATABASE_URL: database.url });
}, 60_000);
afterAll(async () => {
  await platform?.stop();
  await database?.drop();
});

it('every audited identity interaction is chained on PostgreSQL, and holds no secret', async () => {
  await runIdentityAuditScenario(platform);
}, 60_000);
