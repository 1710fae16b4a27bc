// The lookup behind conditional references: the same criteria (`_id`, `identifier`) and the same
// query as conditional create, read through the records store inside the Bundle's transaction.
import { parseCriteria } from '../domain/criteria.ts';
import { matchCriteria } from '../store/resource-store.ts';
import type { MatchResources } from './conditional-references.ts';

export const matchByCriteria: MatchResources = (tx, _ctx, type, criteria) =>
  matchCriteria(tx, type, parseCriteria(criteria).criteria, 2);
