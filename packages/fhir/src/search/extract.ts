// Index extraction: every applicable SearchParameter's expression evaluated over a resource with
// HL7's FHIRPath engine (each expression compiled once), giving typed index values per parameter.
import { createRequire } from 'node:module';
import type { compile, Model } from 'fhirpath';
import { type IndexValue, indexValues, type TypedNode } from './index-values.ts';
import { type ModelMaps, memberPathEvaluator } from './member-path.ts';
import { type SearchParamDefinition, searchParameters } from './registry.ts';

let engine: { compile: typeof compile; r4: Model } | undefined;
function fhirpathEngine(): { compile: typeof compile; r4: Model } {
  if (!engine) {
    const require = createRequire(import.meta.url);
    engine = { compile: require('fhirpath').compile, r4: require('fhirpath/fhir-context/r4') };
  }
  return engine;
}

interface ResultNode {
  data: unknown;
  fhirNodeDataType: string | null;
  path: string | null;
}

type Evaluator = (node: unknown) => ResultNode[];

/** Per base type, per expression (the registry's own strings, so lookups hash nothing new). */
const compiled = new Map<string, Map<string, Evaluator | null>>();

/** Compiled once per (base, expression); null when the engine cannot compile it. */
function evaluatorFor(base: string, expression: string): Evaluator | null {
  let forBase = compiled.get(base);
  if (forBase === undefined) {
    forBase = new Map();
    compiled.set(base, forBase);
  }
  let evaluator = forBase.get(expression);
  if (evaluator === undefined) {
    try {
      const { compile, r4 } = fhirpathEngine();
      // Plain member paths are walked directly (same nodes, a fraction of the cost): member-path.ts.
      evaluator = memberPathEvaluator(base, expression, r4 as unknown as ModelMaps) ?? null;
      if (evaluator === null) {
        const fn = compile({ base, expression }, r4, { async: false, resolveInternalTypes: false });
        evaluator = (node) =>
          (fn(node as never) as unknown[]).map(asResultNode).filter((n) => n !== undefined);
      }
    } catch {
      evaluator = null;
    }
    forBase.set(expression, evaluator);
  }
  return evaluator;
}

/** A model node as is; a computed primitive (e.g. `deceased.exists() and …` → true) typed by its JS type. */
function asResultNode(value: unknown): ResultNode | undefined {
  if (typeof value === 'object' && value !== null && 'data' in value && 'fhirNodeDataType' in value) {
    return value as ResultNode;
  }
  if (typeof value === 'boolean') return { data: value, fhirNodeDataType: 'boolean', path: null };
  if (typeof value === 'string') return { data: value, fhirNodeDataType: 'string', path: null };
  return undefined;
}

function typed(node: ResultNode): TypedNode {
  const type = node.fhirNodeDataType ?? '';
  return { data: node.data, type: type.startsWith('System.') ? type.slice(7).toLowerCase() : type };
}

function evaluate(base: string, expression: string, input: unknown): ResultNode[] {
  const evaluator = evaluatorFor(base, expression);
  if (!evaluator) return [];
  try {
    return evaluator(input);
  } catch {
    return []; // an expression the data makes fail indexes nothing, like an absent element
  }
}

/** One composite row: the values of each component, in component order. */
export type CompositeValue = IndexValue[];

export interface ExtractedParam {
  param: SearchParamDefinition;
  values: IndexValue[];
  /** For composite parameters: one entry per combination of component values. */
  composites: CompositeValue[];
}

function compositeRows(param: SearchParamDefinition, node: ResultNode): CompositeValue[] {
  let rows: CompositeValue[] = [[]];
  const base = node.path ?? '';
  for (const component of param.components) {
    const values: IndexValue[] = [];
    for (const result of evaluate(base, component.expression, node.data)) {
      indexValues(component.type, typed(result), values);
    }
    // A concept's bare text row carries no code a composite could be searched by.
    if (component.type === 'token') values.splice(0, values.length, ...values.filter(isCoded));
    if (values.length === 0) return [];
    rows = rows.flatMap((row) => values.map((value) => [...row, value]));
  }
  return rows;
}

function isCoded(value: IndexValue): boolean {
  return value.kind !== 'token' || value.code !== null;
}

/** Parameters never stored in the index tables: answered from the resource row itself. */
const fromResourceRow = new Set(['_id', '_lastUpdated']);

/** The index values of every search parameter of the resource's type that yields any. */
export function extractSearchValues(resource: { resourceType: string }): ExtractedParam[] {
  const type = resource.resourceType;
  const out: ExtractedParam[] = [];
  for (const param of searchParameters(type).values()) {
    if (fromResourceRow.has(param.code) || param.paths.length === 0) continue;
    const values: IndexValue[] = [];
    const composites: CompositeValue[] = [];
    for (const path of param.paths) {
      for (const node of evaluate(type, path.expression, resource)) {
        if (param.type === 'composite') composites.push(...compositeRows(param, node));
        else indexValues(param.type, typed(node), values, path.targetType);
      }
    }
    if (values.length > 0 || composites.length > 0) out.push({ param, values, composites });
  }
  return out;
}
