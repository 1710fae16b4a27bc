// The vitals store contract on the real PostgreSQL (a fresh database per run, dropped afterwards):
// declarative day partitions, unnest batched inserts, rollups and partition drops behave as on PGlite.
import { createTestPostgresDatabase } from '@healthlane/store/testing';
import { vitalStoreSuite } from './support/vital-store-suite.ts';

vitalStoreSuite(() => createTestPostgresDatabase());
