// Crash tests for the embedded pair: PGlite in a temporary directory (it outlives the killed process)
// and the in-process bus.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { faultSuite } from './faults/fault-suite.ts';

const dir = mkdtempSync(join(tmpdir(), 'hl-bus-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

faultSuite('PGlite directory + in-process bus', () => ({ HL_FAULT_DB_DIR: dir }));
