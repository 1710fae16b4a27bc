// Every resource of the official R4 examples package must validate without errors.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateResource } from '../src/index.ts';
import { errorsOf } from './issues.ts';

/** Examples the R4 specification itself gets wrong, each with the reason (a file name or a pattern). */
const SPEC_ERRATA: [RegExp, string][] = [
  [/^Bundle-dataelements\.json$/, 'bdl-7: two entries share a fullUrl without distinct meta.versionId'],
  [/^DeviceMetric-example\.json$/, 'parent references a DeviceDefinition; only Device is allowed'],
  [/^DeviceUseStatement-example\.json$/, 'reasonReference references a Procedure, not allowed there in R4'],
  [
    /^ImplementationGuide-fhir\.json$/,
    'the spec’s own IG lacks required name and status; has ids over 64 chars',
  ],
  [
    /^MedicationRequest-medrx0301\.json$/,
    'dispenseRequest.performer references a Practitioner; only Organization',
  ],
  [/^Observation-clinical-gender\.json$/, 'performer references an Encounter, not allowed there in R4'],
  [/^Questionnaire-qs1\.json$/, 'nested items lack the required linkId'],
  [
    /^SearchParameter-(codesystem|valueset)-extensions-/,
    'extension search parameters published without the required base',
  ],
  [
    /^SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject\.json$/,
    'id over 64 characters',
  ],
  [
    /^StructureDefinition-(Definition|Event|FiveWs|Request)\.json$/,
    'sdf-4: logical patterns, not abstract, no baseDefinition',
  ],
];

const isErratum = (file: string) => SPEC_ERRATA.some(([pattern]) => pattern.test(file));

const CONFORMANCE_FILE =
  /^(SearchParameter|ValueSet|CodeSystem|StructureDefinition|ConceptMap|OperationDefinition)-/;

const directory = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));
const files = readdirSync(directory).filter(
  (f) => f.endsWith('.json') && f !== 'package.json' && f !== 'ig-r4.json',
);
const read = (file: string) =>
  JSON.parse(readFileSync(join(directory, file), 'utf8')) as Record<string, unknown>;

/**
 * The package holds each conformance resource twice: as its own file and inside the definition
 * bundles (Bundle-resources.json, Bundle-valuesets.json, ...). Validating the bundles covers those;
 * the conformance files that appear in no bundle are validated one by one.
 */
function filesToValidate(): string[] {
  const inBundles = new Set<string>();
  for (const file of files.filter((f) => f.startsWith('Bundle-'))) {
    for (const entry of (read(file).entry ?? []) as { resource?: { resourceType: string; id: string } }[]) {
      if (entry.resource) inBundles.add(`${entry.resource.resourceType}/${entry.resource.id}`);
    }
  }
  return files.filter((file) => {
    if (!CONFORMANCE_FILE.test(file)) return true;
    const resource = read(file);
    return !inBundles.has(`${resource.resourceType as string}/${resource.id as string}`);
  });
}

describe('hl7.fhir.r4.examples', () => {
  it('validates every example resource with no error (bar the listed spec errata)', () => {
    const selected = filesToValidate();
    expect(selected.length).toBeGreaterThan(800);
    const failures: Record<string, string[]> = {};
    for (const file of selected) {
      const errors = errorsOf(validateResource(read(file)));
      if (isErratum(file)) {
        expect(errors.length, `${file} is listed as an erratum but validates`).toBeGreaterThan(0);
      } else if (errors.length > 0) {
        failures[file] = errors.slice(0, 3).map((e) => `${e.expression.join(',')}: ${e.diagnostics}`);
      }
    }
    expect(failures).toEqual({});
  }, 300_000);

  it('evaluates every invariant it meets (none fails to run)', () => {
    const unevaluated = new Set<string>();
    for (const file of files.filter((f) => !CONFORMANCE_FILE.test(f) && !f.startsWith('Bundle-'))) {
      for (const issue of validateResource(read(file))) {
        if (issue.severity === 'information') unevaluated.add(issue.diagnostics);
      }
    }
    expect([...unevaluated]).toEqual([]);
  }, 120_000);
});
