// Walks the JSON of one element tree against its definitions: unknown keys, arrays, cardinality, values.
import { bindingProblem } from './bindings.ts';
import { isResourceType } from './definitions.ts';
import type { ChildIndex, ChildSlot, Constraint, ElementInfo } from './element-model.ts';
import { isPrimitiveType, typeModel } from './element-model.ts';
import { evaluateInvariant, type InvariantScope } from './invariants.ts';
import { primitiveProblem } from './primitives.ts';
import { referenceProblem } from './references.ts';
import type { ValidationIssue } from './types.ts';

export interface Walk {
  issues: ValidationIssue[];
  scope: InvariantScope;
  /** Validates a nested resource (contained, Bundle.entry.resource, Parameters.parameter.resource). */
  resource(node: unknown, expression: string, contained: boolean, expectedType: string | undefined): void;
}

type Severity = ValidationIssue['severity'];

const ELEMENT_NAME = /^_?[A-Za-z][A-Za-z0-9]{0,63}$/;

export function report(
  walk: Walk,
  severity: Severity,
  code: string,
  diagnostics: string,
  expression: string,
): void {
  walk.issues.push({ severity, code, diagnostics, expression: [expression] });
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** valueX, or only its primitive extension _valueX (a value with no literal is still a value). */
function isExtensionValueKey(key: string): boolean {
  return key.startsWith('value') || key.startsWith('_value');
}

function jsonKind(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export function checkInvariants(
  walk: Walk,
  constraints: readonly Constraint[],
  base: string,
  node: unknown,
  expression: string,
): void {
  for (const constraint of constraints) {
    if (constraint.onlyWith && (node as Record<string, unknown>)[constraint.onlyWith] === undefined) continue;
    const outcome = evaluateInvariant(constraint, base, node, walk.scope);
    if (outcome === 'fail') {
      report(walk, constraint.severity, 'invariant', `${constraint.key}: ${constraint.human}`, expression);
    } else if (outcome === 'not-evaluated') {
      report(walk, 'information', 'invariant', `${constraint.key} could not be evaluated`, expression);
    }
  }
}

/** Every key of a JSON object against the children of its type or backbone element. */
export function validateChildren(
  walk: Walk,
  node: Record<string, unknown>,
  index: ChildIndex,
  expression: string,
  isResource: boolean,
): void {
  for (const key of Object.keys(node)) {
    if (isResource && key === 'resourceType') continue;
    const slot = index.byKey.get(key.startsWith('_') ? key.slice(1) : key);
    if (!slot || (key.startsWith('_') && !isPrimitiveType(slot.type))) {
      // A key that is no FHIR name at all is not put into the location (it could be anything).
      const named = ELEMENT_NAME.test(key);
      const at = named ? `${expression}.${key}` : expression;
      const what = named
        ? 'it is not defined for this type in FHIR R4'
        : 'its name is not a FHIR element name';
      report(walk, 'error', 'structure', `Unknown element: ${what}`, at);
    }
  }
  for (const element of index.elements) {
    const present = presentSlots(node, index, element);
    if (present.length > 1) {
      walk.issues.push({
        severity: 'error',
        code: 'structure',
        diagnostics: `Only one variant of the choice element ${element.name}[x] may be present`,
        expression: present.map((slot) => `${expression}.${element.name}.ofType(${slot.type})`),
      });
      continue;
    }
    const slot = present[0];
    if (!slot) {
      if (element.min > 0) {
        report(
          walk,
          'error',
          'required',
          `Missing required element (minimum cardinality ${element.min})`,
          `${expression}.${element.name}`,
        );
      }
      continue;
    }
    const key = element.isChoice ? element.types.find((t) => t.code === slot.type)!.jsonKey : element.name;
    const path = element.isChoice
      ? `${expression}.${element.name}.ofType(${slot.type})`
      : `${expression}.${element.name}`;
    const count = isPrimitiveType(slot.type)
      ? validatePrimitiveField(walk, slot, node, key, path)
      : validateComplexField(walk, slot, node[key], path);
    if (count !== undefined) checkCardinality(walk, element, count, path);
  }
}

function presentSlots(node: Record<string, unknown>, index: ChildIndex, element: ElementInfo): ChildSlot[] {
  if (!element.isChoice) {
    return node[element.name] !== undefined || node[`_${element.name}`] !== undefined
      ? [index.byKey.get(element.name)!]
      : [];
  }
  const slots: ChildSlot[] = [];
  for (const t of element.types) {
    if (node[t.jsonKey] !== undefined || node[t.extensionKey] !== undefined)
      slots.push({ element, type: t.code });
  }
  return slots;
}

function checkCardinality(walk: Walk, element: ElementInfo, count: number, path: string): void {
  if (count < element.min) {
    report(walk, 'error', 'required', `Too few values: minimum cardinality is ${element.min}`, path);
  } else if (count > element.max) {
    report(walk, 'error', 'structure', `Too many values: maximum cardinality is ${element.max}`, path);
  }
}

function asItems(
  walk: Walk,
  element: ElementInfo,
  value: unknown,
  path: string,
  what: string,
): unknown[] | undefined {
  if (value === undefined) return [];
  if (element.isArray) {
    if (!Array.isArray(value)) {
      report(walk, 'error', 'structure', `${what} must be a JSON array (the element repeats)`, path);
      return undefined;
    }
    if (value.length === 0) {
      report(
        walk,
        'error',
        'structure',
        `${what} must not be an empty array (omit the element instead)`,
        path,
      );
      return undefined;
    }
    return value;
  }
  if (Array.isArray(value)) {
    report(walk, 'error', 'structure', `${what} must be a single value, not a JSON array`, path);
    return undefined;
  }
  return [value];
}

/** A primitive and its `_name` sibling (id/extension), aligned item by item; returns the count. */
function validatePrimitiveField(
  walk: Walk,
  slot: ChildSlot,
  parent: Record<string, unknown>,
  key: string,
  path: string,
): number | undefined {
  const { element, type } = slot;
  const value = parent[key];
  const extra = parent[`_${key}`];
  const values = asItems(walk, element, value, path, 'The value');
  const extras = asItems(walk, element, extra, path, 'The primitive extension');
  if (!values || !extras) return undefined;
  if (values.length > 0 && extras.length > 0 && values.length !== extras.length) {
    report(walk, 'error', 'structure', 'The primitive extension array must align with the value array', path);
    return undefined;
  }
  const count = Math.max(values.length, extras.length);
  for (let i = 0; i < count; i++) {
    const itemPath = element.isArray ? `${path}[${i}]` : path;
    const item = values[i] ?? null;
    const itemExtra = extras[i] ?? null;
    if (item === null && itemExtra === null) {
      report(
        walk,
        'error',
        'structure',
        'A null needs a matching primitive extension (no value and no extension)',
        itemPath,
      );
      continue;
    }
    if (itemExtra !== null) validatePrimitiveExtension(walk, itemExtra, itemPath);
    if (item === null) continue;
    const problem = primitiveProblem(type, item);
    if (problem) {
      report(walk, 'error', 'value', problem, itemPath);
      continue;
    }
    if (element.requiredValueSet) {
      const bindingIssue = bindingProblem(type, item, element.requiredValueSet);
      if (bindingIssue) report(walk, 'error', 'code-invalid', bindingIssue, itemPath);
    }
  }
  if (element.constraints.length > 0 && values.length > 0) checkPrimitiveInvariants(walk, slot, parent, path);
  return count;
}

/**
 * fhirpath cannot take a bare JSON primitive as its focus, so a primitive's invariants run from its
 * parent over every value: `name.all(rule)` (or `name.ofType(type).all(rule)` for a choice).
 */
function checkPrimitiveInvariants(
  walk: Walk,
  slot: ChildSlot,
  parent: Record<string, unknown>,
  path: string,
): void {
  const { element, type } = slot;
  const parentPath = element.path.slice(0, element.path.lastIndexOf('.'));
  const focus = element.isChoice ? `${element.name}.ofType(${type})` : element.name;
  const wrapped = element.constraints.map((c) => ({ ...c, expression: `${focus}.all(${c.expression})` }));
  checkInvariants(walk, wrapped, parentPath, parent, path);
}

/** `_name` carries only an id and extensions of the primitive. */
function validatePrimitiveExtension(walk: Walk, extra: unknown, path: string): void {
  if (!isObject(extra)) {
    report(
      walk,
      'error',
      'structure',
      `A primitive extension must be a JSON object, found a JSON ${jsonKind(extra)}`,
      path,
    );
    return;
  }
  const extension = typeModel('Element')!.children;
  validateChildren(walk, extra, extension, path, false);
  if (Object.keys(extra).every((k) => k === 'id')) {
    report(walk, 'error', 'invariant', 'ele-1: All FHIR elements must have a @value or children', path);
  }
}

function validateComplexField(walk: Walk, slot: ChildSlot, value: unknown, path: string): number | undefined {
  const items = asItems(walk, slot.element, value, path, 'The element');
  if (!items) return undefined;
  items.forEach((item, i) => {
    validateComplexItem(walk, slot, item, slot.element.isArray ? `${path}[${i}]` : path);
  });
  return items.length;
}

function validateComplexItem(walk: Walk, slot: ChildSlot, item: unknown, path: string): void {
  const { element, type } = slot;
  if (type === 'Resource' || isResourceType(type)) {
    // contained, Bundle.entry.resource, Parameters.parameter.resource, Bundle.entry.response.outcome, ...
    walk.resource(item, path, element.name === 'contained', type === 'Resource' ? undefined : type);
    return;
  }
  if (!isObject(item)) {
    report(
      walk,
      'error',
      'structure',
      `A ${type} must be a JSON object, found a JSON ${jsonKind(item)}`,
      path,
    );
    return;
  }
  if (Object.keys(item).every((k) => k === 'id')) {
    report(walk, 'error', 'invariant', 'ele-1: All FHIR elements must have a @value or children', path);
    return;
  }
  if (element.children) {
    validateChildren(walk, item, element.children, path, false);
  } else {
    const model = typeModel(type);
    if (!model) return;
    validateChildren(walk, item, model.children, path, false);
    if (model.constraints.length > 0) checkInvariants(walk, model.constraints, type, item, path);
  }
  if (
    type === 'Extension' &&
    (item.extension !== undefined) === Object.keys(item).some(isExtensionValueKey)
  ) {
    report(walk, 'error', 'invariant', 'ext-1: Must have either extensions or value[x], not both', path);
  }
  if (type === 'Reference' && typeof item.reference === 'string') {
    const problem = referenceProblem(
      item.reference,
      element.types.find((t) => t.code === 'Reference')?.targetTypes,
    );
    if (problem) report(walk, 'error', 'value', problem, `${path}.reference`);
  }
  if (element.requiredValueSet) {
    const problem = bindingProblem(type, item, element.requiredValueSet);
    if (problem) report(walk, 'error', 'code-invalid', problem, path);
  }
  if (element.constraints.length > 0) {
    checkInvariants(walk, element.constraints, element.isChoice ? type : element.path, item, path);
  }
}
