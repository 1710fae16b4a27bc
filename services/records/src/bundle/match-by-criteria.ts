// The lookup behind conditional references: the same criteria and the same index-backed query as
// conditional create, read through the records store inside the Bundle's transaction.
import { criteriaLimits, parseCriteria } from '../domain/criteria.ts';
import { matchIds } from '../search/search-service.ts';
import type { MatchResources } from './conditional-references.ts';

export const matchByCriteria: MatchResources = (tx, _ctx, type, criteria) =>
  matchIds(tx, type, parseCriteria(type, criteria), criteriaLimits, 2);
