// The search side of the records service: type, system and Patient-compartment searches,
// Patient/$everything, and the criteria matching behind conditional create/update/delete and
// conditional references — all through the same parser and index-backed SQL.
import { patientCompartment } from '@healthlane/fhir';
import type { SqlExecutor } from '@healthlane/store';
import { matchCondition } from './page-query.ts';
import { queryPairs } from './parse-query.ts';
import {
  parseOnly,
  runSearch,
  type SearchInput,
  type SearchLimits,
  type SearchOutcome,
} from './search-engine.ts';
import { invalidSearch } from './search-error.ts';
import { bind, newSqlContext, type SqlContext } from './sql-context.ts';

export type { SearchLimits, SearchOutcome } from './search-engine.ts';

/** Result parameters that a conditional operation's criteria may carry and that change nothing. */
const criteriaNoise = new Set(['_format', '_pretty', '_summary', '_elements']);

export interface Criteria {
  query: string;
  /** A stable text for the same criteria however written (order of parameters and values): the lock key. */
  normalized: string;
}

/** Validates conditional criteria and gives their lock key; refuses result parameters and empty criteria. */
export function parseConditionalCriteria(type: string, query: string, limits: SearchLimits): Criteria {
  const pairs = queryPairs(query).filter(([name]) => !criteriaNoise.has(name));
  if (pairs.length === 0) throw invalidSearch('A conditional operation needs search criteria');
  if (
    pairs.some(
      ([name]) =>
        name.startsWith('_') &&
        !name.startsWith('_has') &&
        /^_(count|sort|include|revinclude|total|cursor|type)/.test(name),
    )
  ) {
    throw invalidSearch('Conditional criteria take search parameters only');
  }
  const parsed = parseOnly({ types: [type], system: false, query, lenient: false }, limits);
  if ((parsed.criteria.get(type) ?? []).length === 0)
    throw invalidSearch('A conditional operation needs search criteria');
  matchCondition(newSqlContext('', new Date()), parsed.criteria); // checks every value now, before any write
  const normalized = pairs
    .map(([name, value]) => `${name}=${value.split(',').sort().join(',')}`)
    .sort()
    .join('&');
  return { query, normalized };
}

/** Ids of live resources of `type` matching the criteria, `limit` at most (2 tells one from many). */
export async function matchIds(
  db: SqlExecutor,
  type: string,
  criteria: Criteria,
  limits: SearchLimits,
  limit: number,
): Promise<string[]> {
  const parsed = parseOnly({ types: [type], system: false, query: criteria.query, lenient: false }, limits);
  const ctx = newSqlContext('', new Date());
  const where = matchCondition(ctx, parsed.criteria);
  const { rows } = await db.query<{ id: string }>(
    `SELECT r.id FROM records.resource r WHERE ${where} ORDER BY r.id LIMIT ${Math.trunc(limit)}`,
    ctx.params,
  );
  return rows.map((row) => row.id);
}

/** The reference parameters that put a `type` resource in a Patient's compartment (none: not in it). */
export function compartmentParams(type: string): readonly string[] {
  return patientCompartment().get(type) ?? [];
}

/** r is in Patient `id`'s compartment (as a member type), or is that Patient itself when `self`. */
function compartmentScope(types: readonly string[], id: string, self: boolean): (ctx: SqlContext) => string {
  return (ctx) => {
    const pairs = types.flatMap((type) => compartmentParams(type).map((param) => [type, param] as const));
    const member = `(r.resource_type, r.id) IN (SELECT ri.resource_type, ri.resource_id FROM records.reference_index ri
      WHERE ri.target_type = 'Patient' AND ri.target_id = ${bind(ctx, id)}
        AND (ri.resource_type, ri.param) IN (SELECT * FROM unnest(${bind(
          ctx,
          pairs.map((p) => p[0]),
          'text[]',
        )}, ${bind(
          ctx,
          pairs.map((p) => p[1]),
          'text[]',
        )})))`;
    return self ? `(${member} OR (r.resource_type = 'Patient' AND r.id = ${bind(ctx, id)}))` : member;
  };
}

export interface CompartmentSearch {
  patientId: string;
  /** The member type searched; undefined for $everything (every member type and the Patient). */
  type: string | undefined;
}

export async function searchCompartment(
  db: SqlExecutor,
  input: Omit<SearchInput, 'scope' | 'types' | 'system'>,
  compartment: CompartmentSearch,
  limits: SearchLimits,
): Promise<SearchOutcome> {
  if (compartment.type !== undefined) {
    if (compartmentParams(compartment.type).length === 0) {
      throw invalidSearch(`${compartment.type} is not in the Patient compartment`);
    }
    return runSearch(
      db,
      {
        ...input,
        types: [compartment.type],
        system: false,
        scope: compartmentScope([compartment.type], compartment.patientId, false),
      },
      limits,
    );
  }
  const types = ['Patient', ...patientCompartment().keys()].filter(
    (type, index, all) => all.indexOf(type) === index,
  );
  return runSearch(
    db,
    { ...input, types, system: true, scope: compartmentScope(types, compartment.patientId, true) },
    limits,
  );
}
