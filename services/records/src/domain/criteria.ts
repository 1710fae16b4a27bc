// Search criteria for conditional create/update/delete and conditional references: any search the
// records search understands (every R4 parameter of the type, chains, _has), validated before the
// write starts. Anything unknown is refused, never ignored, because ignoring a criterion would make
// a conditional write match the wrong resources.
import { type Criteria, parseConditionalCriteria, type SearchLimits } from '../search/search-service.ts';

export type { Criteria } from '../search/search-service.ts';

/** Conditional criteria read at most two matches: the limits only shape parsing. */
export const criteriaLimits: SearchLimits = { defaultCount: 2, maxCount: 2, totalBound: 2 };

/** Parses and checks criteria such as `identifier=http://x|123&birthdate=2000` (the query without '?'). */
export function parseCriteria(type: string, query: string): Criteria {
  return parseConditionalCriteria(type, query, criteriaLimits);
}
