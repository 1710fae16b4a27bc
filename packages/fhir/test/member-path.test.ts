// The member-path fast path of index extraction must give exactly the index values HL7's FHIRPath
// engine gives: checked for every plain member path of every search parameter over every resource
// of the official R4 examples (and the resources inside their Bundles).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compile, type Model } from 'fhirpath';
import { describe, expect, it } from 'vitest';
import { type IndexValue, indexValues } from '../src/search/index-values.ts';
import { type ModelMaps, memberPathEvaluator } from '../src/search/member-path.ts';
import { searchParameters } from '../src/search/registry.ts';

const require = createRequire(import.meta.url);
const r4 = require('fhirpath/fhir-context/r4') as Model;
const directory = dirname(require.resolve('hl7.fhir.r4.examples/package.json'));

type Resource = { resourceType: string } & Record<string, unknown>;

/** Up to `perType` resources of each type (the engine side is slow; every type is still covered). */
function examples(perType = 25): Resource[] {
  const out: Resource[] = [];
  const seen = new Map<string, number>();
  const keep = (resource: Resource) => {
    const count = seen.get(resource.resourceType) ?? 0;
    if (count >= perType) return;
    seen.set(resource.resourceType, count + 1);
    out.push(resource);
  };
  for (const file of readdirSync(directory)) {
    if (!file.endsWith('.json') || file === 'package.json' || file === 'ig-r4.json') continue;
    const resource = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Resource;
    if (typeof resource.resourceType !== 'string') continue;
    keep(resource);
    if (resource.resourceType === 'Bundle') {
      for (const entry of (resource.entry ?? []) as { resource?: Resource }[]) {
        if (entry.resource?.resourceType) keep(entry.resource);
      }
    }
  }
  return out;
}

interface Node {
  data: unknown;
  fhirNodeDataType: string | null;
}

function values(type: string, node: Node, targetType: string | undefined): IndexValue[] {
  const fhirType = node.fhirNodeDataType ?? '';
  const typed = {
    data: node.data,
    type: fhirType.startsWith('System.') ? fhirType.slice(7).toLowerCase() : fhirType,
  };
  const out: IndexValue[] = [];
  indexValues(type as never, typed, out, targetType);
  return out;
}

describe('member-path fast path', () => {
  it('recognises plain member paths only', () => {
    const model = r4 as unknown as ModelMaps;
    expect(memberPathEvaluator('Patient', 'Patient.name', model)).toBeDefined();
    expect(memberPathEvaluator('Patient', 'Patient.contact.name', model)).toBeDefined();
    expect(memberPathEvaluator('Patient', 'Observation.code', model)).toBeUndefined();
    expect(memberPathEvaluator('Observation', '(Observation.value as Quantity)', model)).toBeUndefined();
    expect(
      memberPathEvaluator('Observation', 'Observation.subject.where(resolve() is Patient)', model),
    ).toBeUndefined();
    expect(memberPathEvaluator('Patient', 'Patient.name.given.first()', model)).toBeUndefined();
  });

  it('gives the engine’s index values for every member path over every official example', () => {
    const model = r4 as unknown as ModelMaps;
    const resources = examples();
    expect(new Set(resources.map((resource) => resource.resourceType)).size).toBeGreaterThan(140);
    let compared = 0;
    let nonEmpty = 0;
    const differences: string[] = [];
    const engines = new Map<string, (resource: unknown) => Node[]>();
    for (const resource of resources) {
      const type = resource.resourceType;
      for (const param of searchParameters(type).values()) {
        if (param.type === 'composite') continue;
        for (const path of param.paths) {
          const fast = memberPathEvaluator(type, path.expression, model);
          if (fast === undefined) continue;
          const key = `${type}\u0000${path.expression}`;
          let engine = engines.get(key);
          if (!engine) {
            const fn = compile({ base: type, expression: path.expression }, r4, {
              async: false,
              resolveInternalTypes: false,
            });
            engine = (input) => fn(input as never) as unknown as Node[];
            engines.set(key, engine);
          }
          const expected = engine(resource).flatMap((node) => values(param.type, node, path.targetType));
          const actual = fast(resource).flatMap((node) => values(param.type, node, path.targetType));
          compared += 1;
          if (expected.length > 0) nonEmpty += 1;
          if (JSON.stringify(actual) !== JSON.stringify(expected) && differences.length < 10) {
            differences.push(`${type}/${String(resource.id)} ${path.expression}`);
          }
        }
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
    expect(nonEmpty).toBeGreaterThan(2_000);
  }, 120_000);
});
