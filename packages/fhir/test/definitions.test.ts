import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitions, isResourceType, resourceTypes } from '../src/index.ts';

describe('R4 definitions', () => {
  it('lists the concrete R4 resource types and nothing of Medplum', () => {
    const types = resourceTypes();
    expect(types).toHaveLength(146);
    expect(types).not.toContain('SubscriptionStatus'); // R4B, shipped by Medplum
    expect(types).toContain('Patient');
    expect(types).not.toContain('DomainResource');
    expect(isResourceType('Observation')).toBe(true);
    for (const medplumOnly of ['Project', 'Bot', 'ClientApplication', 'Resource'])
      expect(isResourceType(medplumOnly)).toBe(false);
  });

  it('gives structure definitions, value sets, code systems and search parameters', () => {
    expect(definitions().structureDefinition('HumanName')?.kind).toBe('complex-type');
    expect(definitions().valueSet('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1')?.url).toBe(
      'http://hl7.org/fhir/ValueSet/administrative-gender',
    );
    expect(definitions().codeSystem('http://terminology.hl7.org/CodeSystem/v3-ActCode')).toBeDefined();
    const codes = definitions()
      .searchParameters('Patient')
      .map((p) => p.code);
    expect(codes).toEqual(
      expect.arrayContaining(['_id', '_lastUpdated', 'birthdate', 'family', 'identifier']),
    );
    expect(
      definitions()
        .searchParameters('Patient')
        .every((p) => !p.url.includes('medplum')),
    ).toBe(true);
  });
});

describe('fidelity to the published R4 (4.0.1) definitions', () => {
  const directory = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));
  type Element = NonNullable<
    ReturnType<ReturnType<typeof definitions>['structureDefinition']>
  >['snapshot']['element'][number];
  const rules = (e: Element) => ({
    path: e.path,
    min: e.min,
    max: e.max,
    type: e.type,
    contentReference: e.contentReference,
    isSummary: e.isSummary,
    binding: e.binding && { strength: e.binding.strength, valueSet: e.binding.valueSet },
    constraint: e.constraint?.map((c) => ({ key: c.key, severity: c.severity, expression: c.expression })),
  });

  it('serves, for every resource and data type, exactly the official snapshot rules', () => {
    const names = [
      ...resourceTypes(),
      'Element',
      'BackboneElement',
      'Extension',
      'Meta',
      'Timing',
      'HumanName',
      'Dosage',
    ];
    for (const name of names) {
      const official = JSON.parse(readFileSync(join(directory, `StructureDefinition-${name}.json`), 'utf8'));
      const served = definitions().structureDefinition(name)!;
      expect(served.snapshot.element.map(rules), name).toEqual(official.snapshot.element.map(rules));
    }
  });
});
