// SMART on FHIR scopes: parses v2 `patient|user|system/Type|*.cruds` (and v1 `.read`/`.write`/`.*`,
// mapped to their v2 equivalents) and v2 granular scopes (`…?category=…`, see granular-scopes.ts),
// and answers whether a set of scopes allows an operation — unconditionally, or for one resource.
import {
  formatScopeQuery,
  parseScopeQuery,
  resourceMatches,
  type ScopeCondition,
} from './granular-scopes.ts';

/** The five SMART v2 permissions: create, read, update, delete, search. */
export type Permission = 'c' | 'r' | 'u' | 'd' | 's';
export type ScopeContext = 'patient' | 'user' | 'system';

export interface ResourceScope {
  context: ScopeContext;
  /** A resource type, or '*' for all types. */
  type: string;
  permissions: ReadonlySet<Permission>;
  /** A granular scope's query: it grants only on resources that satisfy every condition. */
  conditions?: ScopeCondition[];
}

export interface ParsedScopes {
  resources: ResourceScope[];
  /** Everything else, kept as written (openid, fhirUser, launch, launch/patient, offline_access, ...). */
  other: string[];
}

const order: readonly Permission[] = ['c', 'r', 'u', 'd', 's'];
const v1: Readonly<Record<string, Permission[]>> = {
  read: ['r', 's'],
  write: ['c', 'u', 'd'],
  '*': ['c', 'r', 'u', 'd', 's'],
};
const scopePattern = /^(patient|user|system)\/(\*|[A-Z][A-Za-z]{0,63})\.([a-z*]+)$/;

/**
 * One resource scope, or undefined when the text is not one. v2 permission letters must appear in
 * the order c, r, u, d, s, each at most once (the specification's grammar). A granular scope
 * (`patient/Observation.rs?category=…`) keeps its conditions when granular-scopes.ts understands the
 * whole query (v2 letters, a named type); any other query makes it grant nothing: deny by default.
 */
export function parseResourceScope(text: string): ResourceScope | undefined {
  const question = text.indexOf('?');
  if (question !== -1) {
    // v2 letters and a named type only: `patient/*.rs?…` and v1 `.read?…` grant nothing.
    const letters = text.slice(text.lastIndexOf('.', question) + 1, question);
    const base = /^[cruds]+$/.test(letters) ? parseResourceScope(text.slice(0, question)) : undefined;
    if (base === undefined || base.type === '*') return undefined;
    const conditions = parseScopeQuery(base.type, text.slice(question + 1));
    return conditions === undefined ? undefined : { ...base, conditions };
  }
  const match = scopePattern.exec(text);
  if (!match) return undefined;
  const [, context, type, rest] = match as unknown as [string, ScopeContext, string, string];
  const mapped = v1[rest];
  if (mapped) return { context, type, permissions: new Set(mapped) };
  let at = 0;
  const permissions = new Set<Permission>();
  for (const letter of rest) {
    const index = order.indexOf(letter as Permission, at);
    if (index < 0) return undefined;
    permissions.add(letter as Permission);
    at = index + 1;
  }
  return permissions.size > 0 ? { context, type, permissions } : undefined;
}

export function parseScopes(scope: string | readonly string[] | undefined): ParsedScopes {
  const words = typeof scope === 'string' ? scope.split(/\s+/) : (scope ?? []);
  const resources: ResourceScope[] = [];
  const other: string[] = [];
  for (const word of words) {
    if (word === '') continue;
    const parsed = parseResourceScope(word);
    if (parsed) resources.push(parsed);
    else other.push(word);
  }
  return { resources, other };
}

const covers = (scope: ResourceScope, context: ScopeContext, type: string, permission: Permission) =>
  scope.context === context &&
  (scope.type === '*' || scope.type === type) &&
  scope.permissions.has(permission);

/**
 * Whether one of `scopes` in `context` grants `permission` on every `type` resource. Granular
 * scopes do not count: they grant only what scopesAllowResource checks resource by resource.
 */
export function scopesAllow(
  scopes: readonly ResourceScope[],
  context: ScopeContext,
  type: string,
  permission: Permission,
): boolean {
  return scopes.some((scope) => scope.conditions === undefined && covers(scope, context, type, permission));
}

/** Whether `scopes` grant `permission` on some `type` resources (granular scopes included). */
export function scopesMayAllow(
  scopes: readonly ResourceScope[],
  context: ScopeContext,
  type: string,
  permission: Permission,
): boolean {
  return scopes.some((scope) => covers(scope, context, type, permission));
}

/** Whether `scopes` grant `permission` on this `resource` of `type`: unconditionally, or by a granular scope it satisfies. */
export function scopesAllowResource(
  scopes: readonly ResourceScope[],
  context: ScopeContext,
  type: string,
  permission: Permission,
  resource: unknown,
): boolean {
  return scopes.some(
    (scope) =>
      covers(scope, context, type, permission) &&
      (scope.conditions === undefined || resourceMatches(scope.conditions, resource)),
  );
}

/**
 * Whether `requested` is no wider than `granted`: the scopes a client registered bound what it may
 * ask for (a system client with system/*.cruds may ask for system/Observation.rs).
 */
export function scopeWithin(requested: ResourceScope, granted: readonly ResourceScope[]): boolean {
  // A wildcard request is within only a wildcard grant: scopesAllow matches '*' against '*' alone.
  // A granular request is also within a granular grant of the same type and the same query.
  const query = requested.conditions === undefined ? undefined : formatScopeQuery(requested.conditions);
  return [...requested.permissions].every(
    (permission) =>
      scopesAllow(granted, requested.context, requested.type, permission) ||
      (query !== undefined &&
        granted.some(
          (scope) =>
            scope.conditions !== undefined &&
            scope.type === requested.type &&
            covers(scope, requested.context, requested.type, permission) &&
            formatScopeQuery(scope.conditions) === query,
        )),
  );
}

/** The canonical v2 text of a scope (v1 forms come out as their v2 equivalent). */
export function formatScope(scope: ResourceScope): string {
  const base = `${scope.context}/${scope.type}.${order.filter((p) => scope.permissions.has(p)).join('')}`;
  return scope.conditions === undefined ? base : `${base}?${formatScopeQuery(scope.conditions)}`;
}
