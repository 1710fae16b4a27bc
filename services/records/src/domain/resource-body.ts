// The shape checks every incoming resource passes before validation, and the server's part of a
// stored version: id, meta.versionId and meta.lastUpdated set, other meta kept, serialized once.
import { Problem } from '@healthlane/kit';
import { isValidId } from './resource-id.ts';

export type JsonObject = Record<string, unknown>;

function refuse(diagnostics: string, expression: string[] = []): Problem {
  return Problem.invalid(diagnostics, {
    issues: [{ severity: 'error', code: 'structure', diagnostics, expression }],
  });
}

/** True when `value` nests deeper than `maxDepth` objects/arrays; stops early, so huge inputs cost little. */
export function exceedsDepth(value: unknown, maxDepth: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: next, depth } = stack.pop()!;
    if (typeof next !== 'object' || next === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(next)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

export interface BodyRules {
  /** The type the URL names. */
  type: string;
  maxDepth: number;
}

/** The body as a resource of the URL's type, or a 400 saying what is wrong (never echoing values). */
export function requireResource(body: unknown, rules: BodyRules): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw refuse('The request body must be a JSON object holding a FHIR resource');
  }
  if (exceedsDepth(body, rules.maxDepth)) {
    throw refuse(`The resource nests deeper than ${rules.maxDepth} levels`);
  }
  const resource = body as JsonObject;
  if (typeof resource.resourceType !== 'string') {
    throw refuse('The resource has no resourceType', ['resourceType']);
  }
  if (resource.resourceType !== rules.type) {
    throw refuse('The resourceType in the body does not match the type in the URL', ['resourceType']);
  }
  if (resource.id !== undefined && (typeof resource.id !== 'string' || !isValidId(resource.id))) {
    throw refuse('The resource id is not a valid FHIR id', [`${rules.type}.id`]);
  }
  if (
    resource.meta !== undefined &&
    (typeof resource.meta !== 'object' || resource.meta === null || Array.isArray(resource.meta))
  ) {
    throw refuse('meta must be an object', [`${rules.type}.meta`]);
  }
  return resource;
}

export interface VersionStamp {
  id: string;
  versionId: string;
  lastUpdated: string;
}

/**
 * The resource as this version stores it: resourceType, id and meta first (readable), the server's
 * versionId and lastUpdated replacing whatever the client sent, the client's other meta kept.
 */
export function stampVersion(resource: JsonObject, stamp: VersionStamp): JsonObject {
  const { resourceType, id: _id, meta, ...content } = resource;
  const clientMeta = { ...((meta as JsonObject | undefined) ?? {}) };
  delete clientMeta.versionId;
  delete clientMeta.lastUpdated;
  return {
    resourceType,
    id: stamp.id,
    meta: { versionId: stamp.versionId, lastUpdated: stamp.lastUpdated, ...clientMeta },
    ...content,
  };
}

/** Key-order-independent JSON, for comparing content. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The content a version is compared on: everything but meta.versionId and meta.lastUpdated (and an emptied meta). */
function comparable(resource: JsonObject): JsonObject {
  const { meta, ...rest } = resource;
  const kept = { ...((meta as JsonObject | undefined) ?? {}) };
  delete kept.versionId;
  delete kept.lastUpdated;
  return Object.keys(kept).length > 0 ? { ...rest, meta: kept } : rest;
}

/** True when an update would store the same content as the current version (so no new version is made). */
export function sameContent(incoming: JsonObject, current: JsonObject): boolean {
  return canonical(comparable(incoming)) === canonical(comparable(current));
}
