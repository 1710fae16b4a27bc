// The records service's search facade: authorization of every type a search touches (through the
// platform's hook), then the engine; and conditional criteria for the write paths.
import type { Clock } from '@healthlane/kit';
import type { SqlExecutor } from '@healthlane/store';
import type { Authorize } from '../domain/authorize.ts';
import type { RequestContext } from '../domain/resource-service.ts';
import type { SearchInput } from './search-engine.ts';
import { runSearch } from './search-engine.ts';
import {
  type CompartmentSearch,
  type Criteria,
  matchIds,
  parseConditionalCriteria,
  type SearchLimits,
  searchCompartment,
} from './search-service.ts';

export type { Criteria } from './search-service.ts';

export interface RecordsSearch {
  readonly limits: SearchLimits;
  /** A type or system search; answers the searchset Bundle as JSON text. */
  search(db: SqlExecutor, ctx: RequestContext, input: Omit<SearchInput, 'scope' | 'now'>): Promise<string>;
  /** Patient/{id}/{Type} or Patient/{id}/$everything (type undefined). */
  compartment(
    db: SqlExecutor,
    ctx: RequestContext,
    input: Omit<SearchInput, 'scope' | 'types' | 'system' | 'now'>,
    compartment: CompartmentSearch,
  ): Promise<string>;
  /** Validated conditional criteria with their lock key. */
  criteria(type: string, query: string): Criteria;
  /** Ids of live resources matching conditional criteria, `limit` at most. */
  match(db: SqlExecutor, type: string, criteria: Criteria, limit: number): Promise<string[]>;
}

/** `now` (for the `ap` prefix) comes from the injected clock, not the request. */
export function createRecordsSearch(authorize: Authorize, limits: SearchLimits, clock: Clock): RecordsSearch {
  const allow = (ctx: RequestContext, types: Iterable<string>) => {
    for (const type of types) authorize(ctx, { kind: 'search-type', type });
  };
  return {
    limits,
    async search(db, ctx, input) {
      allow(ctx, input.types);
      const outcome = await runSearch(db, { ...input, now: clock.now() }, limits);
      allow(
        ctx,
        [...outcome.types].filter((type) => !input.types.includes(type)),
      );
      return outcome.bundle;
    },
    async compartment(db, ctx, input, compartment) {
      authorize(ctx, { kind: 'read', type: 'Patient', id: compartment.patientId });
      if (compartment.type !== undefined) allow(ctx, [compartment.type]);
      const outcome = await searchCompartment(db, { ...input, now: clock.now() }, compartment, limits);
      allow(ctx, outcome.types);
      return outcome.bundle;
    },
    criteria: (type, query) => parseConditionalCriteria(type, query, limits),
    match: (db, type, criteria, limit) => matchIds(db, type, criteria, limits, limit),
  };
}
