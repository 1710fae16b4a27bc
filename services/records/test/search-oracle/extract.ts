// Evaluates a SearchParameter's FHIRPath expression over one resource with HL7's fhirpath engine
// and its R4 model, returning each value with its FHIR type (the oracle's only view of the data).
import { createRequire } from 'node:module';
import type { SearchParameter } from '@healthlane/fhir';

const require = createRequire(import.meta.url);
const fhirpath = require('fhirpath') as {
  compile(
    expression: string | { base: string; expression: string },
    model: unknown,
    options?: object,
  ): Compiled;
};
const r4Model = require('fhirpath/fhir-context/r4') as unknown;

type Compiled = (resource: unknown, context?: object) => unknown[];

/** One value an expression selects, with the FHIR type fhirpath assigns it ('HumanName', 'date', ...). */
export interface TypedValue {
  type: string;
  value: unknown;
}

/**
 * Three rewrites, each keeping the expression's meaning:
 * - `resolve() is Type`: the oracle has no resolver, so it reads the type from the literal reference
 *   ("Type/id", optionally absolute or versioned), the same thing for any reference a server resolves;
 * - `(path as Type)` and `path.as(Type)` select the values of that type among many (R4 uses `as` on
 *   collections, which FHIRPath defines for one item only): `ofType(Type)` says that exactly;
 * - `DateTime` in the composite components is an R4 erratum for the element type `dateTime`.
 */
export function oracleExpression(expression: string): string {
  return expression
    .replace(
      /resolve\(\) is (\w+)/g,
      (_all, type: string) => `(reference.startsWith('${type}/') or reference.contains('/${type}/'))`,
    )
    .replace(/\(([A-Za-z.]+) as (\w+)\)/g, '$1.ofType($2)')
    .replace(/\.as\((\w+)\)/g, '.ofType($1)')
    .replace(/ofType\(DateTime\)/g, 'ofType(dateTime)');
}

/**
 * The top-level `|` branches of an expression. Each branch is evaluated on its own and the results
 * concatenated: a union would also remove duplicates, which matching does not need, and fhirpath's
 * duplicate test cannot compare a Quantity that has a comparator.
 */
export function unionBranches(expression: string): string[] {
  const branches: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === "'" && expression[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '|' && depth === 0) {
      branches.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  branches.push(expression.slice(start).trim());
  return branches;
}

const compiled = new Map<string, Compiled>();

function compiledFor(expression: string, base?: string): Compiled {
  const key = `${base ?? ''}\u0000${expression}`;
  let fn = compiled.get(key);
  if (!fn) {
    const parts = unionBranches(oracleExpression(expression)).map((source) =>
      fhirpath.compile(base ? { base, expression: source } : source, r4Model, {
        resolveInternalTypes: false,
      }),
    );
    fn = (resource, context) => parts.flatMap((part) => part(resource, context));
    compiled.set(key, fn);
  }
  return fn;
}

interface ResourceNodeLike {
  data: unknown;
  path: string;
  fhirNodeDataType?: string;
}

function isNode(value: unknown): value is ResourceNodeLike {
  return typeof value === 'object' && value !== null && 'fhirNodeDataType' in value && 'data' in value;
}

function typed(value: unknown): TypedValue {
  if (isNode(value)) {
    const type = (value.fhirNodeDataType ?? 'unknown').replace(/^System\./, '');
    return { type: type === 'String' ? 'string' : type, value: value.data };
  }
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (typeof value === 'number') return { type: 'decimal', value };
  if (typeof value === 'string') return { type: 'string', value };
  return { type: 'unknown', value };
}

/** The values of a (non-composite) parameter in a resource. */
export function valuesOf(parameter: SearchParameter, resource: object): TypedValue[] {
  if (!parameter.expression) throw new Error(`${parameter.code} has no expression`);
  return compiledFor(parameter.expression)(resource).map(typed);
}

/** A composite parameter: for each root the expression selects, the values of each component. */
export function compositeRootsOf(parameter: SearchParameter, resource: object): TypedValue[][][] {
  if (!parameter.expression) throw new Error(`${parameter.code} has no expression`);
  const components = (parameter.component ?? []) as Array<{ expression: string }>;
  const roots = compiledFor(parameter.expression)(resource) as ResourceNodeLike[];
  return roots.map((root) =>
    components.map((component) => compiledFor(component.expression, root.path)(root.data).map(typed)),
  );
}
