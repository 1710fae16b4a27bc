// The demo loader on the real records service over PGlite: every shipped bundle loads, shared
// Organizations and Practitioners are stored once, no reference dangles, and a second run is a no-op.
import { randomUUID } from 'node:crypto';
import { createInProcessBus, createOutbox } from '@healthlane/bus';
import { type Database, migrate } from '@healthlane/store';
import { createTestPgliteDatabase } from '@healthlane/store/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoData } from '../src/demo/load-demo.ts';
import {
  createRecordsResourceService,
  type RecordsResourceService,
  recordsMigrations,
} from '../src/index.ts';
import { danglingReferences } from './bundle-references.ts';

let db: Database;
let drop: () => Promise<void>;
let service: RecordsResourceService;
const ctx = { baseUrl: 'http://localhost/fhir/R4' };
const logger = pino({ level: 'silent' });

beforeAll(async () => {
  ({ db, drop } = await createTestPgliteDatabase());
  await migrate(db, 'records', recordsMigrations);
  const bus = await createInProcessBus({ db });
  const outbox = createOutbox({ db, bus, schema: 'records' });
  await outbox.migrate();
  service = createRecordsResourceService({
    db,
    outbox,
    clock: { now: () => new Date() },
    newId: randomUUID,
    maxJsonDepth: 64,
  });
});
afterAll(() => drop());

async function counts(): Promise<Record<string, number>> {
  const { rows } = await db.query<{ type: string; n: number }>(
    'SELECT resource_type AS type, count(*)::int AS n FROM records.resource WHERE NOT deleted GROUP BY 1',
  );
  return Object.fromEntries(rows.map((row) => [row.type, row.n]));
}

describe('loadDemoData', () => {
  let first: { loaded: number };

  beforeAll(async () => {
    first = await loadDemoData(service, ctx, logger);
  }, 60_000);

  it('loads the four demo patients with their records', async () => {
    expect(first.loaded).toBe(70 + 102 + 107 + 101);
    const stored = await counts();
    expect(stored.Patient).toBe(4);
    expect(stored.Observation).toBeGreaterThan(100);
  });

  it('stores each shared Organization and Practitioner once', async () => {
    const stored = await counts();
    // Clemente and Joaquin share one hospital and doctor, Stephen and Jesús another; Joaquin adds one of each.
    expect(stored.Organization).toBe(3);
    expect(stored.Practitioner).toBe(3);
  });

  it('leaves no reference pointing at a missing resource', async () => {
    const { rows } = await db.query<{ json: string }>('SELECT json FROM records.resource WHERE NOT deleted');
    const known = new Set<string>();
    const resources = rows.map((row) => JSON.parse(row.json) as { resourceType: string; id: string });
    for (const resource of resources) known.add(`${resource.resourceType}/${resource.id}`);
    expect(danglingReferences(resources, known)).toEqual([]);
  });

  it('points both patients of a pair at the one shared hospital', async () => {
    const { rows } = await db.query<{ json: string }>(
      "SELECT json FROM records.resource WHERE resource_type = 'Encounter' AND NOT deleted",
    );
    const providerByPatient = new Map<string, Set<string>>();
    for (const row of rows) {
      const encounter = JSON.parse(row.json);
      const providers = providerByPatient.get(encounter.subject.reference) ?? new Set<string>();
      providers.add(encounter.serviceProvider.reference);
      providerByPatient.set(encounter.subject.reference, providers);
    }
    // The loader keeps the bundles' urn:uuid ids: these are Clemente's and Joaquin's Patients.
    const shared = 'Organization/6f122869-a856-3d65-8db9-099bf4f5bbb8';
    expect(providerByPatient.get('Patient/d78af07c-9cb9-4f31-9b11-c45a28f2eec8')).toContain(shared);
    expect(providerByPatient.get('Patient/39e53c6f-309b-4ed7-b650-79a4ef7b1e99')).toContain(shared);
  });

  it('loads nothing the second time', async () => {
    const before = await counts();
    expect(await loadDemoData(service, ctx, logger)).toEqual({ loaded: 0 });
    expect(await counts()).toEqual(before);
  });
});
