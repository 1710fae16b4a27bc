// Lazy, cached access to the R4 conformance resources: each bundle is parsed on first use only.
import { readOfficialOverrides, readR4Bundle } from './r4-files.ts';
import type { CodeSystem, SearchParameter, StructureDefinition, ValueSet } from './types.ts';

export interface R4Definitions {
  /** The base StructureDefinition of a resource, data type or primitive (e.g. 'Patient', 'HumanName', 'date'). */
  structureDefinition(type: string): StructureDefinition | undefined;
  /** A ValueSet by canonical URL; a '|version' suffix is ignored. */
  valueSet(url: string): ValueSet | undefined;
  /** A CodeSystem by canonical URL (FHIR, v3 and v2 code systems shipped with R4). */
  codeSystem(url: string): CodeSystem | undefined;
  /** R4 search parameters that apply to a resource type (including those based on Resource/DomainResource). */
  searchParameters(resourceType: string): readonly SearchParameter[];
  /** Every concrete (non-abstract) R4 resource type, sorted. */
  resourceTypes(): readonly string[];
}

function once<T>(load: () => T): () => T {
  let value: T | undefined;
  let loaded = false;
  return () => {
    if (!loaded) {
      value = load();
      loaded = true;
    }
    return value as T;
  };
}

/**
 * Only base R4 definitions (no profiles) keyed by type; the rest of the bundles is dropped for the GC.
 * Medplum ships a later-version type (SubscriptionStatus, fhirVersion 4.3.0) and alters a dozen R4
 * snapshots (e.g. Meta.project, R5-style EvidenceVariable): those are left out or replaced by the
 * official 4.0.1 snapshots kept in data/ (test/definitions.test.ts proves every type equals R4).
 */
const structureDefinitions = once(() => {
  const byType = new Map<string, StructureDefinition>();
  for (const file of ['profiles-types.json', 'profiles-resources.json'] as const) {
    for (const resource of readR4Bundle(file)) {
      if (resource.resourceType !== 'StructureDefinition') continue;
      const sd = resource as unknown as StructureDefinition;
      if (sd.derivation === 'constraint' || sd.kind === 'logical' || sd.fhirVersion !== '4.0.1') continue;
      byType.set(sd.id, sd);
    }
  }
  for (const sd of readOfficialOverrides()) byType.set(sd.id, sd);
  return byType;
});

const resourceTypeList = once(() =>
  [...structureDefinitions().values()]
    .filter((sd) => sd.kind === 'resource' && !sd.abstract)
    .map((sd) => sd.id)
    .sort(),
);

const resourceTypeSet = once(() => new Set(resourceTypeList()));

const terminology = once(() => {
  const valueSets = new Map<string, ValueSet>();
  const codeSystems = new Map<string, CodeSystem>();
  for (const file of ['valuesets.json', 'v3-codesystems.json', 'v2-tables.json'] as const) {
    for (const resource of readR4Bundle(file)) {
      if (resource.resourceType === 'ValueSet') {
        const vs = resource as unknown as ValueSet;
        if (!valueSets.has(vs.url)) valueSets.set(vs.url, vs);
      } else if (resource.resourceType === 'CodeSystem') {
        const cs = resource as unknown as CodeSystem;
        if (!codeSystems.has(cs.url)) codeSystems.set(cs.url, cs);
      }
    }
  }
  return { valueSets, codeSystems };
});

const searchParametersByBase = once(() => {
  const byBase = new Map<string, SearchParameter[]>();
  for (const resource of readR4Bundle('search-parameters.json')) {
    if (resource.resourceType !== 'SearchParameter' || resource.version !== '4.0.1') continue;
    const sp = resource as unknown as SearchParameter;
    for (const base of sp.base) {
      const list = byBase.get(base) ?? [];
      list.push(sp);
      byBase.set(base, list);
    }
  }
  return byBase;
});

function withoutVersion(url: string): string {
  const bar = url.indexOf('|');
  return bar < 0 ? url : url.slice(0, bar);
}

const r4: R4Definitions = {
  structureDefinition: (type) => structureDefinitions().get(type),
  valueSet: (url) => terminology().valueSets.get(withoutVersion(url)),
  codeSystem: (url) => terminology().codeSystems.get(withoutVersion(url)),
  searchParameters: (resourceType) => {
    const byBase = searchParametersByBase();
    const domain = structureDefinitions().get(resourceType)?.baseDefinition?.endsWith('/DomainResource');
    return [
      ...(byBase.get('Resource') ?? []),
      ...(domain ? (byBase.get('DomainResource') ?? []) : []),
      ...(byBase.get(resourceType) ?? []),
    ];
  },
  resourceTypes: resourceTypeList,
};

/** Raw access to the R4 definitions for later work (search parameters, capability statement). */
export function definitions(): R4Definitions {
  return r4;
}

/** Every concrete R4 resource type. */
export function resourceTypes(): readonly string[] {
  return resourceTypeList();
}

export function isResourceType(name: string): boolean {
  return resourceTypeSet().has(name);
}
