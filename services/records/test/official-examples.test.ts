// Every official R4 example (npm hl7.fhir.r4.examples, the non-conformance resources) is stored
// through the REST API and reads back equal apart from the server's meta.versionId/lastUpdated;
// the few the specification itself gets wrong are refused, each listed with the reason. AuditEvents
// are refused with 405: the audit service owns them (services/audit stores and serves them).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Database } from '@healthlane/store';
import { createTestPgliteDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { body, fhirJsonType, type RecordsApp, startRecordsApp } from './support/records-app.ts';

/** Examples the R4 specification gets wrong (the same errata @healthlane/fhir's examples test lists). */
const SPEC_ERRATA: Record<string, string> = {
  'DeviceMetric-example.json': 'parent references a DeviceDefinition; only Device is allowed',
  'DeviceUseStatement-example.json': 'reasonReference references a Procedure, not allowed there in R4',
  'MedicationRequest-medrx0301.json':
    'dispenseRequest.performer references a Practitioner; only Organization',
  'Observation-clinical-gender.json': 'performer references an Encounter, not allowed there in R4',
  'Questionnaire-qs1.json': 'nested items lack the required linkId',
};

/** Conformance resources are definitions, not example data; the definition Bundles hold them again. */
const CONFORMANCE =
  /^(SearchParameter|ValueSet|CodeSystem|StructureDefinition|ConceptMap|OperationDefinition|CompartmentDefinition|NamingSystem)-/;
const DEFINITION_BUNDLES =
  /^Bundle-(resources|types|dataelements|valueset|valuesets|v2-|v3-|profiles|extensions|searchParams|conceptmaps)/;
const BODY_LIMIT = 1024 * 1024;

const directory = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));
const files = readdirSync(directory).filter(
  (file) =>
    file.endsWith('.json') &&
    !['package.json', 'ig-r4.json'].includes(file) &&
    !CONFORMANCE.test(file) &&
    !DEFINITION_BUNDLES.test(file) &&
    statSync(join(directory, file)).size < BODY_LIMIT,
);

type Json = Record<string, unknown>;

/** The resource without the two meta fields the server owns (and without meta when nothing is left). */
function withoutServerMeta(resource: Json): Json {
  const { meta, ...rest } = resource;
  const { versionId: _v, lastUpdated: _l, ...clientMeta } = (meta ?? {}) as Json;
  return Object.keys(clientMeta).length > 0 ? { ...rest, meta: clientMeta } : rest;
}

describe('hl7.fhir.r4.examples through the REST API', () => {
  let db: Database;
  let drop: () => Promise<void>;
  let records: RecordsApp;

  beforeAll(async () => {
    ({ db, drop } = await createTestPgliteDatabase());
    records = await startRecordsApp(db);
  });

  afterAll(async () => {
    await records.stop();
    await drop();
  });

  it('stores and reads back every example equal apart from server meta (bar the listed errata)', async () => {
    expect(files.length).toBeGreaterThan(700);
    const refused: string[] = [];
    const mismatched: string[] = [];
    const auditEvents: string[] = [];
    for (const file of files) {
      const example = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Json;
      const type = example.resourceType as string;
      const id = example.id as string | undefined;
      const written = await records.app.inject({
        method: id ? 'PUT' : 'POST',
        url: id ? `/fhir/R4/${type}/${id}` : `/fhir/R4/${type}`,
        headers: { 'content-type': fhirJsonType },
        payload: JSON.stringify(example),
      });
      if (type === 'AuditEvent') {
        // The audit service owns AuditEvents (hash-chained, append-only): records refuses to write them.
        expect(written.statusCode, file).toBe(405);
        expect(body(written).resourceType, file).toBe('OperationOutcome');
        auditEvents.push(file);
        continue;
      }
      if (written.statusCode >= 400) {
        expect(body(written).resourceType, file).toBe('OperationOutcome');
        refused.push(file);
        continue;
      }
      expect([200, 201], file).toContain(written.statusCode);
      const location = written.headers.location as string;
      const path = new URL(location).pathname.replace(/\/_history\/[^/]+$/, '');
      const read = await records.app.inject({ method: 'GET', url: path });
      expect(read.statusCode, file).toBe(200);
      const stored = body<Json>(read);
      const expected = id ? example : { ...example, id: stored.id };
      try {
        expect(withoutServerMeta(stored)).toEqual(withoutServerMeta(expected));
      } catch {
        mismatched.push(file);
      }
    }
    expect(mismatched).toEqual([]);
    expect(refused.sort()).toEqual(Object.keys(SPEC_ERRATA).sort());
    expect(auditEvents.length).toBeGreaterThan(5);
  }, 300_000);
});
