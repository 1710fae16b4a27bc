// The vitals store contract on PGlite (the embedded mode).
import { createTestPgliteDatabase } from '@healthlane/store/testing';
import { vitalStoreSuite } from './support/vital-store-suite.ts';

vitalStoreSuite(createTestPgliteDatabase);
