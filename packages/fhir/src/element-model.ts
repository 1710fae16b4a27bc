// Turns a StructureDefinition snapshot into a per-type tree of elements, keyed by JSON property name.
import { definitions } from './definitions.ts';
import type { ElementDefinition } from './types.ts';

export interface Constraint {
  key: string;
  /** The rule is vacuously true unless this element is present (saves a FHIRPath run per resource). */
  onlyWith?: string;
  severity: 'error' | 'warning';
  human: string;
  expression: string;
}

export interface ElementInfo {
  /** Element name without '[x]' (e.g. 'value' for value[x]). */
  name: string;
  /** The snapshot path, e.g. 'Patient.contact.name'; the FHIRPath base for its invariants. */
  path: string;
  min: number;
  max: number;
  isArray: boolean;
  isChoice: boolean;
  isSummary: boolean;
  /** jsonKey: the JSON property of this type's variant ('valueQuantity'; the plain name for non-choice). */
  types: {
    code: string;
    jsonKey: string;
    extensionKey: string;
    targetTypes: readonly string[] | undefined;
  }[];
  requiredValueSet: string | undefined;
  constraints: Constraint[];
  /** Children of a backbone element (own or via contentReference), keyed by JSON property name. */
  children: ChildIndex | undefined;
}

export interface ChildSlot {
  element: ElementInfo;
  /** The FHIR type this JSON property carries (the chosen variant for a choice element). */
  type: string;
}

export interface ChildIndex {
  /** JSON property name (e.g. 'valueQuantity', 'given') → element and its type. */
  byKey: Map<string, ChildSlot>;
  elements: ElementInfo[];
}

export interface TypeModel {
  name: string;
  kind: string;
  /** Invariants declared on the type itself (e.g. per-1 on Period, dom-* on resources). */
  constraints: Constraint[];
  children: ChildIndex;
}

/** Checked natively by the validator (cheaper and with better locations than via FHIRPath). */
const NATIVE_CONSTRAINTS = new Set(['ele-1', 'ext-1']);

/**
 * R4 invariants left out because their expressions cannot be evaluated correctly by any engine.
 * Each one has its reason; see the README.
 */
export const EXCLUDED_INVARIANTS: Readonly<Record<string, string>> = {
  'txt-1': 'htmlChecks() is not a FHIRPath function; XHTML content rules need an XHTML parser',
  'txt-2': 'htmlChecks() is not a FHIRPath function; XHTML content rules need an XHTML parser',
  'eld-16':
    'its regex uses escapes (\\@, \\-) that are invalid in the Unicode-mode regexes FHIRPath engines use',
  'eld-19': "its regex uses an escape (\\') that is invalid in the Unicode-mode regexes FHIRPath engines use",
  'eld-20': 'its regex has an unescaped "]" that is invalid in the Unicode-mode regexes FHIRPath engines use',
  'ctm-1':
    'resolve() needs the referenced resource (a database read); a validator without I/O cannot evaluate it',
};

/**
 * R4 invariants whose published expression is wrong and that R4B/R5 corrected; the corrected form is
 * evaluated instead (same rule, same key).
 */
const CORRECTED_INVARIANTS: Readonly<Record<string, (expression: string) => string>> = {
  // `descendants().as(canonical)` applies `as` to a collection, an error in every conforming engine.
  'dom-3': (expression) => expression.replaceAll('descendants().as(', 'descendants().ofType('),
  // `when in (...)` needs a single `when`, but Timing.repeat.when repeats (R4 technical correction).
  'tim-9': (expression) =>
    expression.replace(
      "((when in ('C' | 'CM' | 'CD' | 'CV')).not())",
      "when.select($this in ('C' | 'CM' | 'CD' | 'CV')).allFalse()",
    ),
  // `answer is Boolean` tests the System type, never true for the FHIR boolean answerBoolean (R5: `boolean`).
  'que-7': (expression) => expression.replace('answer is Boolean', 'answer is boolean'),
};

/** dom-2..dom-5 only constrain `contained` (each is `contained.….empty()` or `contained.where(…).empty()`). */
const ONLY_WITH_CONTAINED = new Set(['dom-2', 'dom-3', 'dom-4', 'dom-5']);

const FHIR_TYPE_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const STRUCTURE_DEFINITION_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

function capitalize(code: string): string {
  return code.charAt(0).toUpperCase() + code.slice(1);
}

function fhirTypeOf(
  element: ElementDefinition,
  type: NonNullable<ElementDefinition['type']>[number],
): string {
  if (!type.code.startsWith('http://hl7.org/fhirpath/System.')) return type.code;
  // Resource.id is of type id in R4, though its snapshot only says System.String.
  if (
    element.path.split('.').length === 2 &&
    element.path.endsWith('.id') &&
    element.base?.path === 'Resource.id'
  ) {
    return 'id';
  }
  return type.extension?.find((e) => e.url === FHIR_TYPE_EXTENSION)?.valueUrl ?? 'string';
}

function constraintsOf(element: ElementDefinition): Constraint[] {
  const constraints: Constraint[] = [];
  for (const c of element.constraint ?? []) {
    if (!c.expression || NATIVE_CONSTRAINTS.has(c.key) || c.key in EXCLUDED_INVARIANTS) continue;
    const expression = CORRECTED_INVARIANTS[c.key]?.(c.expression) ?? c.expression;
    const onlyWith = ONLY_WITH_CONTAINED.has(c.key) ? 'contained' : undefined;
    constraints.push({
      key: c.key,
      severity: c.severity,
      human: c.human,
      expression,
      ...(onlyWith ? { onlyWith } : {}),
    });
  }
  return constraints;
}

function toInfo(element: ElementDefinition): ElementInfo {
  const last = element.path.slice(element.path.lastIndexOf('.') + 1);
  const isChoice = last.endsWith('[x]');
  const max = element.max === '*' ? Number.POSITIVE_INFINITY : Number(element.max ?? '1');
  const baseMax = element.base?.max ?? element.max ?? '1';
  const binding = element.binding;
  return {
    name: isChoice ? last.slice(0, -3) : last,
    path: element.path,
    min: element.min ?? 0,
    max,
    isArray: baseMax !== '1' && baseMax !== '0',
    isChoice,
    isSummary: element.isSummary === true,
    types: (element.type ?? []).map((t) => ({
      code: fhirTypeOf(element, t),
      jsonKey: isChoice ? last.slice(0, -3) + capitalize(fhirTypeOf(element, t)) : last,
      extensionKey: `_${isChoice ? last.slice(0, -3) + capitalize(fhirTypeOf(element, t)) : last}`,
      targetTypes: t.targetProfile?.map((p) =>
        p.startsWith(STRUCTURE_DEFINITION_PREFIX) ? p.slice(STRUCTURE_DEFINITION_PREFIX.length) : p,
      ),
    })),
    requiredValueSet: binding?.strength === 'required' ? binding.valueSet : undefined,
    constraints: constraintsOf(element),
    children: undefined,
  };
}

function addChild(index: ChildIndex, info: ElementInfo): void {
  index.elements.push(info);
  if (info.isChoice) {
    for (const t of info.types) index.byKey.set(t.jsonKey, { element: info, type: t.code });
  } else {
    index.byKey.set(info.name, { element: info, type: info.types[0]?.code ?? 'BackboneElement' });
  }
}

function buildModel(type: string): TypeModel | undefined {
  const sd = definitions().structureDefinition(type);
  if (!sd) return undefined;
  const [rootElement, ...rest] = sd.snapshot.element;
  if (!rootElement) return undefined;
  const root: ChildIndex = { byKey: new Map(), elements: [] };
  const indexByPath = new Map<string, ChildIndex>([[rootElement.path, root]]);
  const pendingReferences: { info: ElementInfo; target: string }[] = [];
  const infoByPath = new Map<string, ElementInfo>();
  for (const element of rest) {
    const info = toInfo(element);
    const parentPath = element.path.slice(0, element.path.lastIndexOf('.'));
    const parent = indexByPath.get(parentPath);
    if (!parent) continue; // under a primitive's value or a contentReference: nothing to index
    addChild(parent, info);
    infoByPath.set(element.path, info);
    if (element.contentReference) {
      pendingReferences.push({ info, target: element.contentReference.slice(1) });
    } else if (info.types.some((t) => t.code === 'BackboneElement' || t.code === 'Element')) {
      info.children = { byKey: new Map(), elements: [] };
      indexByPath.set(element.path, info.children);
    }
  }
  for (const { info, target } of pendingReferences) {
    // A nested Questionnaire.item is a Questionnaire.item: same children, same invariants (que-1...).
    const referenced = infoByPath.get(target);
    info.children = indexByPath.get(target);
    info.path = target;
    if (referenced) info.constraints = [...referenced.constraints, ...info.constraints];
    info.types = [
      { code: 'BackboneElement', jsonKey: info.name, extensionKey: `_${info.name}`, targetTypes: undefined },
    ];
  }
  return { name: sd.id, kind: sd.kind, constraints: constraintsOf(rootElement), children: root };
}

const models = new Map<string, TypeModel | undefined>();

/** The element tree of a type, built on first use and cached. */
export function typeModel(type: string): TypeModel | undefined {
  if (!models.has(type)) models.set(type, buildModel(type));
  return models.get(type);
}

/** Primitive types carry their value inline in JSON (with an optional `_name` sibling). */
export function isPrimitiveType(type: string): boolean {
  return definitions().structureDefinition(type)?.kind === 'primitive-type';
}
