// FHIRPath Patch (FHIR R4 §3.1.0.7.2, fhirpatch.html): a Parameters resource of `operation`s — add,
// insert, delete, replace, move — located by FHIRPath with HL7's engine, applied to a copy so a failing
// operation changes nothing. Errors name the operation's position, never the values it carries.
import { createRequire } from 'node:module';
import { Problem } from '@healthlane/kit';
import type { evaluate, Model } from 'fhirpath';
import type { JsonObject } from './resource-body.ts';

/** The R4 model's tables used here: which element paths repeat, and each path's type. */
interface ModelTables {
  path2Repeating: Record<string, boolean>;
  path2Type: Record<string, string>;
}

/** The engine (~0.2 s to load) is required on the first FHIRPath Patch, not at process start. */
let engine: { evaluate: typeof evaluate; r4: Model & ModelTables } | undefined;
function fhirpathEngine() {
  if (!engine) {
    const require = createRequire(import.meta.url);
    engine = { evaluate: require('fhirpath').evaluate, r4: require('fhirpath/fhir-context/r4') };
  }
  return engine;
}

/** What the engine returns with `resolveInternalTypes: false`: the value and where it sits. */
interface Located {
  data: unknown;
  /** Type name ('HumanName') or, for backbone elements, the element path ('Patient.contact'). */
  path: string | null;
  propName: string | null;
  index: number | null;
  parentResNode: { data: unknown } | null;
}

interface Part {
  name?: unknown;
  part?: unknown;
  [key: string]: unknown;
}

type OperationType = 'add' | 'insert' | 'delete' | 'replace' | 'move';
const operationTypes = new Set<string>(['add', 'insert', 'delete', 'replace', 'move']);
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);
const ignoreTrace = (): void => {};

function invalid(message: string): Problem {
  return Problem.invalid(message, {
    issues: [{ severity: 'error', code: 'invalid', diagnostics: message, expression: [] }],
  });
}

function failed(position: number, type: string, why: string): Problem {
  const message = `FHIRPath Patch operation ${position} (${type}) cannot be applied: ${why}`;
  return Problem.unprocessable(message, {
    issues: [{ severity: 'error', code: 'processing', diagnostics: message, expression: [] }],
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of a part: its `value[x]`, or an element assembled from its own parts. */
function partValue(part: Part, elementPath: string, position: number): unknown {
  const valueKeys = Object.keys(part).filter((key) => /^value[A-Z]/.test(key));
  if (valueKeys.length > 1) throw invalid(`FHIRPath Patch operation ${position} has a value with two types`);
  if (valueKeys.length === 1) return part[valueKeys[0]!];
  if (!Array.isArray(part.part))
    throw invalid(`FHIRPath Patch operation ${position} has a value part without a value`);
  const { r4 } = fhirpathEngine();
  const declared = r4.path2Type[elementPath];
  // Backbone elements are addressed by their path, data types by their type name.
  const base =
    declared === undefined || declared === 'BackboneElement' || declared === 'Element'
      ? elementPath
      : declared;
  const element: Record<string, unknown> = {};
  for (const child of part.part as Part[]) {
    if (
      !isObject(child) ||
      typeof child.name !== 'string' ||
      forbiddenKeys.has(child.name) ||
      child.name === ''
    ) {
      throw invalid(`FHIRPath Patch operation ${position} has a value part without a name`);
    }
    const childPath = `${base}.${child.name}`;
    const value = partValue(child, childPath, position);
    if (r4.path2Repeating[childPath]) {
      const list = (element[child.name] as unknown[] | undefined) ?? [];
      list.push(value);
      element[child.name] = list;
    } else if (child.name in element) {
      throw invalid(`FHIRPath Patch operation ${position} repeats a single-valued element`);
    } else {
      element[child.name] = value;
    }
  }
  return element;
}

interface Operation {
  type: OperationType;
  path: string;
  name?: string;
  value?: Part;
  index?: number;
  source?: number;
  destination?: number;
}

function parseOperation(parameter: unknown, position: number): Operation {
  if (!isObject(parameter) || parameter.name !== 'operation' || !Array.isArray(parameter.part)) {
    throw invalid(`FHIRPath Patch parameter ${position} must be an 'operation' with parts`);
  }
  const parts = new Map<string, Part>();
  for (const part of parameter.part as Part[]) {
    if (!isObject(part) || typeof part.name !== 'string')
      throw invalid(`FHIRPath Patch operation ${position} has a part without a name`);
    if (parts.has(part.name))
      throw invalid(`FHIRPath Patch operation ${position} repeats the part '${part.name}'`);
    parts.set(part.name, part);
  }
  const type = parts.get('type')?.valueCode;
  if (typeof type !== 'string' || !operationTypes.has(type)) {
    throw invalid(`FHIRPath Patch operation ${position} needs a type: add, insert, delete, replace or move`);
  }
  const path = parts.get('path')?.valueString;
  if (typeof path !== 'string' || path.trim() === '')
    throw invalid(`FHIRPath Patch operation ${position} needs a path`);
  const integer = (name: string) => {
    const value = parts.get(name)?.valueInteger;
    if (!Number.isInteger(value) || (value as number) < 0) {
      throw invalid(`FHIRPath Patch operation ${position} (${type}) needs a non-negative integer '${name}'`);
    }
    return value as number;
  };
  const operation: Operation = { type: type as OperationType, path };
  if (type === 'add') {
    const name = parts.get('name')?.valueString;
    if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(name) || forbiddenKeys.has(name)) {
      throw invalid(`FHIRPath Patch operation ${position} (add) needs an element name`);
    }
    operation.name = name;
  }
  if (type === 'add' || type === 'insert' || type === 'replace') {
    const value = parts.get('value');
    if (value === undefined) throw invalid(`FHIRPath Patch operation ${position} (${type}) needs a value`);
    operation.value = value;
  }
  if (type === 'insert') operation.index = integer('index');
  if (type === 'move') {
    operation.source = integer('source');
    operation.destination = integer('destination');
  }
  return operation;
}

function locate(resource: JsonObject, path: string, position: number, type: string): Located[] {
  const { evaluate, r4 } = fhirpathEngine();
  try {
    return evaluate(resource, path, undefined, r4, {
      resolveInternalTypes: false,
      traceFn: ignoreTrace,
    }) as Located[];
  } catch {
    throw failed(position, type, 'the path is not a FHIRPath expression the engine can evaluate');
  }
}

/** Where a located element lives: its parent object, the key it is stored under, its list index. */
function slot(node: Located, position: number, type: string) {
  const parent = node.parentResNode?.data;
  const prop = node.propName;
  if (!isObject(parent) || prop === null)
    throw failed(position, type, 'the path does not select an element of the resource');
  // A choice element is found by its name without the type suffix ('deceased' for deceasedBoolean).
  const key =
    prop in parent
      ? prop
      : Object.keys(parent).find((k) => k.startsWith(prop) && /^[A-Z]/.test(k.slice(prop.length)));
  if (key === undefined) throw failed(position, type, 'the path does not select an element of the resource');
  return { parent, key, index: node.index };
}

function single(nodes: Located[], position: number, type: string): Located {
  if (nodes.length !== 1) throw failed(position, type, `the path selects ${nodes.length} elements, not one`);
  return nodes[0]!;
}

/** The list a path names (`Patient.identifier`): its container and key; the path must end in a name. */
function listAt(resource: JsonObject, path: string, position: number, type: string) {
  const match = /^(.*)\.([A-Za-z][A-Za-z0-9]*)\s*$/.exec(path.trim());
  if (!match || forbiddenKeys.has(match[2]!))
    throw failed(position, type, 'the path must end in the name of a list element');
  const owner = single(locate(resource, match[1]!, position, type), position, type);
  if (!isObject(owner.data)) throw failed(position, type, 'the path does not select a list');
  const list = owner.data[match[2]!];
  if (list !== undefined && !Array.isArray(list))
    throw failed(position, type, 'the path does not select a list');
  return {
    container: owner.data,
    key: match[2]!,
    list: (list as unknown[] | undefined) ?? [],
    elementPath: `${owner.path}.${match[2]!}`,
  };
}

/** Removes a primitive's `_name` companion entry along with it (its id and extensions). */
function removeCompanion(parent: Record<string, unknown>, key: string, index: number | null): void {
  const companion = `_${key}`;
  if (!(companion in parent)) return;
  const sidecar = parent[companion];
  if (index !== null && Array.isArray(sidecar)) {
    sidecar.splice(index, 1);
    if (sidecar.length === 0) delete parent[companion];
  } else {
    delete parent[companion];
  }
}

function apply(resource: JsonObject, operation: Operation, position: number): void {
  const { type, path } = operation;
  switch (type) {
    case 'add': {
      const owner = single(locate(resource, path, position, type), position, type);
      if (!isObject(owner.data))
        throw failed(position, type, 'the path does not select an element that can hold children');
      const name = operation.name!;
      const elementPath = `${owner.path}.${name}`;
      const value = partValue(operation.value!, elementPath, position);
      if (fhirpathEngine().r4.path2Repeating[elementPath]) {
        const list = owner.data[name];
        if (list !== undefined && !Array.isArray(list))
          throw failed(position, type, 'the element is not a list');
        owner.data[name] = [...((list as unknown[] | undefined) ?? []), value];
      } else if (owner.data[name] !== undefined) {
        throw failed(position, type, 'the element already has a value (use replace)');
      } else {
        owner.data[name] = value;
      }
      return;
    }
    case 'insert': {
      const { container, key, list, elementPath } = listAt(resource, path, position, type);
      if (operation.index! > list.length)
        throw failed(position, type, 'the index is beyond the end of the list');
      const value = partValue(operation.value!, elementPath, position);
      container[key] = [...list.slice(0, operation.index), value, ...list.slice(operation.index)];
      return;
    }
    case 'delete': {
      const nodes = locate(resource, path, position, type);
      if (nodes.length === 0) return; // nothing there: nothing to delete
      const { parent, key, index } = slot(single(nodes, position, type), position, type);
      const current = parent[key];
      if (index !== null && Array.isArray(current)) {
        current.splice(index, 1);
        if (current.length === 0) delete parent[key];
      } else {
        delete parent[key];
      }
      removeCompanion(parent, key, index);
      return;
    }
    case 'replace': {
      const node = single(locate(resource, path, position, type), position, type);
      const { parent, key, index } = slot(node, position, type);
      const ownerPath = node.parentResNode && (node.parentResNode as Located).path;
      const value = partValue(operation.value!, `${ownerPath}.${node.propName}`, position);
      const current = parent[key];
      if (index !== null && Array.isArray(current)) current[index] = value;
      else parent[key] = value;
      return;
    }
    case 'move': {
      const { container, key, list } = listAt(resource, path, position, type);
      const { source, destination } = operation as Required<Operation>;
      if (source >= list.length || destination >= list.length) {
        throw failed(position, type, 'source or destination is beyond the end of the list');
      }
      const moved = [...list];
      const [item] = moved.splice(source, 1);
      moved.splice(destination, 0, item);
      container[key] = moved;
      return;
    }
  }
}

/** Applies a FHIRPath Patch Parameters resource to a copy of `resource`; throws 400/422 Problems. */
export function applyFhirPathPatch(resource: JsonObject, patch: unknown): JsonObject {
  if (!isObject(patch) || patch.resourceType !== 'Parameters') {
    throw invalid('A FHIRPath Patch must be a Parameters resource');
  }
  const parameters = patch.parameter ?? [];
  if (!Array.isArray(parameters)) throw invalid('Parameters.parameter must be a list');
  const operations = parameters.map((parameter, i) => parseOperation(parameter, i + 1));
  const copy = structuredClone(resource);
  for (const [i, operation] of operations.entries()) apply(copy, operation, i + 1);
  return copy;
}
