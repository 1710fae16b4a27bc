// _summary and _elements views of a resource, marked SUBSETTED as the spec requires.

import type { ChildIndex } from './element-model.ts';
import { typeModel } from './element-model.ts';
import type { Coding, FhirResource } from './types.ts';

const SUBSETTED: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue',
  code: 'SUBSETTED',
  display: 'subsetted',
};
const ALWAYS_KEPT = new Set(['resourceType', 'id', 'meta']);

function markSubsetted(resource: FhirResource): FhirResource {
  const tags = resource.meta?.tag ?? [];
  if (tags.some((t) => t.system === SUBSETTED.system && t.code === SUBSETTED.code)) return resource;
  return { ...resource, meta: { ...resource.meta, tag: [...tags, { ...SUBSETTED }] } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON key's element name: 'valueQuantity' → 'value', '_birthDate' → 'birthDate'. */
function elementOf(index: ChildIndex, key: string) {
  return index.byKey.get(key.startsWith('_') ? key.slice(1) : key)?.element;
}

/** Keeps summary elements, descending into backbone elements; data types are kept whole. */
function summaryOf(node: Record<string, unknown>, index: ChildIndex, top: boolean): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const element = elementOf(index, key);
    if (!(top && ALWAYS_KEPT.has(key)) && !element?.isSummary) continue;
    const children = element?.children;
    if (children && Array.isArray(value)) {
      result[key] = value.map((v) => (isObject(v) ? summaryOf(v, children, false) : v));
    } else if (children && isObject(value)) {
      result[key] = summaryOf(value, children, false);
    } else {
      result[key] = value;
    }
  }
  return result;
}

/** _summary=true|text|data|false (count is handled by search). Marks the result SUBSETTED per the spec. */
export function summarize(resource: FhirResource, mode: 'true' | 'text' | 'data' | 'false'): FhirResource {
  if (mode === 'false') return resource;
  if (mode === 'data') {
    const { text: _text, ...rest } = resource;
    return markSubsetted(rest as FhirResource);
  }
  const index = typeModel(resource.resourceType)?.children;
  if (mode === 'text') {
    const kept: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      const element = index ? elementOf(index, key) : undefined;
      if (ALWAYS_KEPT.has(key) || key === 'text' || (element?.min ?? 0) > 0) kept[key] = value;
    }
    return markSubsetted(kept as FhirResource);
  }
  if (!index)
    return markSubsetted({ resourceType: resource.resourceType, id: resource.id, meta: resource.meta });
  return markSubsetted(summaryOf(resource, index, true) as FhirResource);
}

/** _elements=a,b: keeps the listed top-level elements plus mandatory ones (id, meta, resourceType); marks SUBSETTED. */
export function selectElements(resource: FhirResource, elements: readonly string[]): FhirResource {
  const wanted = new Set(elements.map((e) => e.trim()).filter((e) => e.length > 0));
  const index = typeModel(resource.resourceType)?.children;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const bare = key.startsWith('_') ? key.slice(1) : key;
    const name = index ? (elementOf(index, key)?.name ?? bare) : bare;
    if (ALWAYS_KEPT.has(key) || wanted.has(bare) || wanted.has(name)) kept[key] = value;
  }
  return markSubsetted(kept as FhirResource);
}
