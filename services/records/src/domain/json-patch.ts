// JSON Patch (RFC 6902) applied to a resource: all six operations, atomically (a copy is patched),
// with errors that name the operation's position, never the values it carries.
import { Problem } from '@healthlane/kit';
import type { JsonObject } from './resource-body.ts';

type Container = JsonObject | unknown[];

interface Operation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

const operations = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);
/** Keys that could reach an object's prototype; FHIR has no element by these names. */
const forbiddenKeys = new Set(['__proto__', 'constructor', 'prototype']);

function malformed(message: string): Problem {
  return Problem.invalid(message, {
    issues: [{ severity: 'error', code: 'invalid', diagnostics: message, expression: [] }],
  });
}

function failed(index: number, op: string, why: string): Problem {
  const message = `Patch operation ${index + 1} (${op}) cannot be applied: ${why}`;
  return Problem.unprocessable(message, {
    issues: [{ severity: 'error', code: 'processing', diagnostics: message, expression: [] }],
  });
}

function parsePointer(pointer: string, index: number): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw malformed(`Patch operation ${index + 1} has a path that is not a JSON Pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
      if (forbiddenKeys.has(key)) throw malformed(`Patch operation ${index + 1} names a forbidden key`);
      return key;
    });
}

function readOperations(patch: unknown): Operation[] {
  if (!Array.isArray(patch)) throw malformed('A JSON Patch document must be a JSON array of operations');
  return patch.map((candidate, index) => {
    const op = candidate as Partial<Operation> | null;
    if (
      typeof op !== 'object' ||
      op === null ||
      !operations.has(op.op as string) ||
      typeof op.path !== 'string'
    ) {
      throw malformed(`Patch operation ${index + 1} is not a valid JSON Patch operation`);
    }
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string') {
      throw malformed(`Patch operation ${index + 1} (${op.op}) needs 'from'`);
    }
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !('value' in op)) {
      throw malformed(`Patch operation ${index + 1} (${op.op}) needs 'value'`);
    }
    return op as Operation;
  });
}

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** The parent container of a path and the last token; throws when the parent does not exist. */
function locate(document: JsonObject, tokens: string[], fail: (why: string) => Problem) {
  let node: unknown = document;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node)
      ? node[arrayIndex(node, token, false, fail)]
      : isContainer(node) && Object.hasOwn(node, token)
        ? (node as JsonObject)[token]
        : undefined;
    if (!isContainer(node)) throw fail('the path does not exist');
  }
  return { parent: node as Container, key: tokens.at(-1)! };
}

function arrayIndex(
  array: unknown[],
  token: string,
  forInsert: boolean,
  fail: (why: string) => Problem,
): number {
  if (forInsert && token === '-') return array.length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw fail('an array index is not a number');
  const index = Number(token);
  if (index > array.length || (!forInsert && index === array.length))
    throw fail('an array index is out of range');
  return index;
}

function getValue(document: JsonObject, tokens: string[], fail: (why: string) => Problem): unknown {
  if (tokens.length === 0) return document;
  const { parent, key } = locate(document, tokens, fail);
  if (Array.isArray(parent)) return parent[arrayIndex(parent, key, false, fail)];
  if (!Object.hasOwn(parent, key)) throw fail('the path does not exist');
  return parent[key];
}

function removeValue(document: JsonObject, tokens: string[], fail: (why: string) => Problem): unknown {
  if (tokens.length === 0) throw fail('the whole resource cannot be removed');
  const { parent, key } = locate(document, tokens, fail);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, false, fail), 1)[0];
  if (!Object.hasOwn(parent, key)) throw fail('the path does not exist');
  const removed = parent[key];
  delete parent[key];
  return removed;
}

function addValue(
  document: JsonObject,
  tokens: string[],
  value: unknown,
  fail: (why: string) => Problem,
): void {
  if (tokens.length === 0) throw fail('the whole resource cannot be replaced');
  const { parent, key } = locate(document, tokens, fail);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, true, fail), 0, value);
  else parent[key] = value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => Object.hasOwn(b, key) && deepEqual((a as JsonObject)[key], (b as JsonObject)[key]))
  );
}

/** The patched copy of `resource`; the input is not changed. Throws 400 (malformed patch) or 422 (not applicable). */
export function applyJsonPatch(resource: JsonObject, patch: unknown): JsonObject {
  const document = structuredClone(resource);
  readOperations(patch).forEach((operation, index) => {
    const fail = (why: string) => failed(index, operation.op, why);
    const path = parsePointer(operation.path, index);
    switch (operation.op) {
      case 'add':
        addValue(document, path, structuredClone(operation.value), fail);
        break;
      case 'remove':
        removeValue(document, path, fail);
        break;
      case 'replace':
        removeValue(document, path, fail);
        addValue(document, path, structuredClone(operation.value), fail);
        break;
      case 'move': {
        const from = parsePointer(operation.from!, index);
        if (operation.path.startsWith(`${operation.from}/`)) throw fail('a value cannot move into itself');
        addValue(document, path, removeValue(document, from, fail), fail);
        break;
      }
      case 'copy':
        addValue(
          document,
          path,
          structuredClone(getValue(document, parsePointer(operation.from!, index), fail)),
          fail,
        );
        break;
      case 'test':
        if (!deepEqual(getValue(document, path, fail), operation.value)) throw fail('the test did not match');
        break;
    }
  });
  return document;
}
