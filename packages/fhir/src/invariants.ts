// Evaluates FHIRPath invariants with HL7's fhirpath engine and its R4 model; each expression compiles once.
import { createRequire } from 'node:module';
import type { compile, Model } from 'fhirpath';
import type { Constraint } from './element-model.ts';

/** The engine (~0.2 s to load) is required on the first invariant, not at process start. */
let engine: { compile: typeof compile; r4: Model } | undefined;
function fhirpathEngine(): { compile: typeof compile; r4: Model } {
  if (!engine) {
    const require = createRequire(import.meta.url);
    engine = { compile: require('fhirpath').compile, r4: require('fhirpath/fhir-context/r4') };
  }
  return engine;
}

/** trace() in R4 invariants (dom-3, bdl-7) would print patient data; it must stay silent. */
const ignoreTrace = (): void => {};

type Evaluator = (node: unknown, env: Record<string, unknown>) => unknown[];

const compiled = new Map<string, Evaluator | null>();

function compiledFor(base: string, expression: string): Evaluator | null {
  const key = `${base}\u0000${expression}`;
  let evaluator = compiled.get(key);
  if (evaluator === undefined) {
    try {
      const { compile, r4 } = fhirpathEngine();
      const fn = compile({ base, expression }, r4, { async: false, traceFn: ignoreTrace });
      evaluator = (node, env) => fn(node, env) as unknown[];
    } catch {
      evaluator = null; // reported by the caller as an invariant that could not be evaluated
    }
    compiled.set(key, evaluator);
  }
  return evaluator;
}

export type InvariantOutcome = 'pass' | 'fail' | 'not-evaluated';

/** The FHIRPath variables of the node: %resource and %rootResource (the container of a contained resource). */
export interface InvariantScope {
  resource: unknown;
  rootResource: unknown;
}

/** Every `reference` string anywhere in a resource (contained resources included), as `%resource.descendants().reference`. */
function referencesIn(value: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencesIn(item, out);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'reference' && typeof child === 'string') out.add(child);
      else referencesIn(child, out);
    }
  }
  return out;
}

/**
 * Sufficient conditions, checked natively, under which an invariant certainly holds: when one
 * returns true the engine is not asked; otherwise it decides. Each is one disjunct of the published
 * expression, so it never passes what the engine would fail.
 */
const certainlyHolds: Record<string, (node: Record<string, unknown>) => boolean> = {
  // ref-1: reference.startsWith('#').not() or (…contained.id…)
  'ref-1': (node) => typeof node.reference !== 'string' || !node.reference.startsWith('#'),
  // dom-3: each contained resource's '#id' is in %resource.descendants().reference or …
  'dom-3': (node) => {
    const contained = node.contained;
    if (!Array.isArray(contained)) return true;
    const references = referencesIn(node, new Set());
    return contained.every((resource) => {
      const id = (resource as { id?: unknown } | null)?.id;
      return typeof id === 'string' && id !== '' && references.has(`#${id}`);
    });
  },
};

/** Only an explicit `false` fails: an empty result means the rule does not apply to this node. */
export function evaluateInvariant(
  constraint: Constraint,
  base: string,
  node: unknown,
  scope: InvariantScope,
): InvariantOutcome {
  const holds = certainlyHolds[constraint.key];
  if (holds && typeof node === 'object' && node !== null && holds(node as Record<string, unknown>))
    return 'pass';
  const evaluator = compiledFor(base, constraint.expression);
  if (!evaluator) return 'not-evaluated';
  try {
    const result = evaluator(node, { resource: scope.resource, rootResource: scope.rootResource });
    return result.length === 1 && result[0] === false ? 'fail' : 'pass';
  } catch {
    return 'not-evaluated';
  }
}
