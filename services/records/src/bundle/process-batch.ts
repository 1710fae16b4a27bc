// A batch Bundle (FHIR R4 http.html#transaction): entries are independent, each runs in its own
// database transaction, and each failure becomes that entry's own OperationOutcome.
import { Problem } from '@healthlane/kit';
import type { RequestContext, ResourceService } from '../domain/resource-service.ts';
import type { BundleEntryRequest } from './bundle-request.ts';
import { type MatchResources, resolveConditionalReferences } from './conditional-references.ts';
import { type AssignId, type EntryResult, executeEntry } from './entry-execution.ts';
import { problemAtEntry } from './entry-problem.ts';
import { rewriteReferences } from './reference-rewrite.ts';

/** Where a batch entry's unexpected failure is logged (a pino or Fastify logger). */
export interface EntryLogger {
  error(details: object, message: string): void;
}

export interface BatchOptions {
  assignId: AssignId;
  /** `assignId` mints random ids nothing else can hold (see CreateOptions.fresh). */
  freshIds?: boolean;
  match?: MatchResources;
  logger: EntryLogger;
}

export type BatchEntryResult = { ok: true; result: EntryResult } | { ok: false; problem: Problem };

async function runEntry(
  service: ResourceService,
  ctx: RequestContext,
  entry: BundleEntryRequest,
  options: BatchOptions,
): Promise<EntryResult> {
  return service.inTransaction(async (tx) => {
    const references = new Map<string, string>();
    await resolveConditionalReferences(tx, ctx, entry.resource, options.match, references);
    const body = entry.resource === undefined ? undefined : rewriteReferences(entry.resource, references);
    return executeEntry(tx, service, ctx, {
      entry,
      ...(body === undefined ? {} : { body }),
      ...(entry.method === 'POST'
        ? {
            assignedId: options.assignId(entry.target.type, entry.fullUrl),
            freshId: options.freshIds === true,
          }
        : {}),
    });
  });
}

export async function processBatch(
  service: ResourceService,
  ctx: RequestContext,
  entries: ReadonlyArray<BundleEntryRequest | Problem>,
  options: BatchOptions,
): Promise<BatchEntryResult[]> {
  const results: BatchEntryResult[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry instanceof Problem) {
      results.push({ ok: false, problem: problemAtEntry(entry, index) });
      continue;
    }
    try {
      results.push({ ok: true, result: await runEntry(service, ctx, entry, options) });
    } catch (error) {
      if (error instanceof Problem) {
        results.push({ ok: false, problem: problemAtEntry(error, index, entry.target.type) });
      } else {
        // One entry's fault must not sink its neighbours; its text stays in the log, not the reply.
        options.logger.error({ err: error, entry: index }, 'batch entry failed');
        results.push({
          ok: false,
          problem: problemAtEntry(Problem.internal('An internal error occurred'), index),
        });
      }
    }
  }
  return results;
}
