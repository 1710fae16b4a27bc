// The one entry point for batch and transaction Bundles, used by the REST route and the demo
// loader: parse, process, and answer with the response Bundle as JSON text.
import { randomUUID } from 'node:crypto';
import type { RequestContext, ResourceService } from '../domain/resource-service.ts';
import { parseBundle } from './bundle-request.ts';
import type { MatchResources } from './conditional-references.ts';
import type { AssignId } from './entry-execution.ts';
import { type EntryLogger, processBatch } from './process-batch.ts';
import { processTransaction } from './process-transaction.ts';
import {
  type EntryResponse,
  failureResponse,
  type ReturnPreference,
  responseBundleJson,
  successResponse,
} from './response-bundle.ts';

export interface BundleOptions {
  /** Most entries one Bundle may hold (413 beyond). Default 10,000. */
  maxEntries?: number;
  /** Ids of response Bundles; random UUIDs by default. */
  newId?: () => string;
  /** Ids of resources created by POST entries; `newId()` by default. */
  assignId?: AssignId;
  /** Lookup behind conditional references (`Type?criteria`); without it they answer 400. */
  match?: MatchResources;
}

export const defaultMaxEntries = 10_000;

export interface BundleReply {
  type: 'batch-response' | 'transaction-response';
  /** The response Bundle as JSON text. */
  json: string;
  /** Entries that failed (always 0 for a transaction, which fails whole instead). */
  failed: number;
  entries: number;
}

/** Throws a Problem when the Bundle is malformed or, for a transaction, when any entry fails. */
export async function processBundle(
  service: ResourceService,
  ctx: RequestContext,
  body: unknown,
  logger: EntryLogger,
  preference: ReturnPreference = 'representation',
  options: BundleOptions = {},
): Promise<BundleReply> {
  const newId = options.newId ?? randomUUID;
  const bundle = parseBundle(body, ctx.baseUrl, options.maxEntries ?? defaultMaxEntries);
  const assignId = options.assignId ?? (() => newId());
  // Ids minted here at random need no existence check; a caller's own assignId (the demo loader's
  // ids derived from fullUrls) does.
  const freshIds = options.assignId === undefined && options.newId === undefined;
  const match = options.match === undefined ? {} : { match: options.match };
  if (bundle.type === 'transaction') {
    const results = await processTransaction(service, ctx, bundle.entries, { assignId, freshIds, ...match });
    const responses = results.map((result) => successResponse(result, ctx, preference));
    return {
      type: 'transaction-response',
      json: responseBundleJson('transaction-response', newId(), responses),
      failed: 0,
      entries: responses.length,
    };
  }
  const results = await processBatch(service, ctx, bundle.entries, { assignId, freshIds, logger, ...match });
  const responses: EntryResponse[] = results.map((one) =>
    one.ok ? successResponse(one.result, ctx, preference) : failureResponse(one.problem),
  );
  return {
    type: 'batch-response',
    json: responseBundleJson('batch-response', newId(), responses),
    failed: results.filter((one) => !one.ok).length,
    entries: responses.length,
  };
}
