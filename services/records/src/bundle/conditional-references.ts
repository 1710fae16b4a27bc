// Resolves conditional references (`Patient?identifier=sys|val` inside Reference.reference) to the
// one resource they match; no match or several fail the entry with 412, as FHIR R4 requires.
import { Problem } from '@healthlane/kit';
import type { Transaction } from '@healthlane/store';
import type { RequestContext } from '../domain/resource-service.ts';
import { forEachReference, parseConditionalReference } from './reference-rewrite.ts';

/**
 * Ids of the resources of `type` matching `criteria` (the conditional-create criteria: `_id`,
 * `identifier`). Returning two ids is enough to tell "several" from "one".
 */
export type MatchResources = (
  tx: Transaction,
  ctx: RequestContext,
  type: string,
  criteria: string,
) => Promise<string[]>;

/** The conditional references of a resource mapped to `Type/id`; `known` caches across entries. */
export async function resolveConditionalReferences(
  tx: Transaction,
  ctx: RequestContext,
  resource: unknown,
  match: MatchResources | undefined,
  known: Map<string, string>,
): Promise<void> {
  const pending = new Set<string>();
  forEachReference(resource, (reference) => {
    if (!known.has(reference) && parseConditionalReference(reference) !== undefined) pending.add(reference);
  });
  for (const reference of pending) {
    const { type, criteria } = parseConditionalReference(reference)!;
    if (match === undefined) throw Problem.invalid('Conditional references are not supported');
    const ids = await match(tx, ctx, type, criteria);
    if (ids.length !== 1) {
      const message =
        ids.length === 0
          ? 'A conditional reference matches no resource'
          : 'A conditional reference matches more than one resource';
      throw Problem.preconditionFailed(message, {
        issues: [
          {
            severity: 'error',
            code: ids.length === 0 ? 'not-found' : 'multiple-matches',
            diagnostics: message,
          },
        ],
      });
    }
    known.set(reference, `${type}/${ids[0]}`);
  }
}
