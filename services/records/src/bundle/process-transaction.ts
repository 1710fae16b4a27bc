// A transaction Bundle (FHIR R4 http.html#transaction): every entry in ONE database transaction,
// in the specified order (DELETE, POST, PUT/PATCH, GET/HEAD); POST entries get their ids up front
// so `fullUrl` identities (urn:uuid:, urn:oid:) can be rewritten into `Type/id` references; any
// failure rolls everything back and answers as the failing entry's problem.
import { Problem } from '@healthlane/kit';
import type { Transaction } from '@healthlane/store';
import type { RequestContext, ResourceService } from '../domain/resource-service.ts';
import type { BundleEntryRequest } from './bundle-request.ts';
import { type MatchResources, resolveConditionalReferences } from './conditional-references.ts';
import type { AssignId } from './entry-execution.ts';
import { type EntryResult, executeEntry } from './entry-execution.ts';
import { invalidAtEntry, problemAtEntry } from './entry-problem.ts';
import { forEachReference, rewriteReferences } from './reference-rewrite.ts';

export interface TransactionOptions {
  /** The id a POST entry's resource gets (given its type and fullUrl). */
  assignId: AssignId;
  /** `assignId` mints random ids nothing else can hold (see CreateOptions.fresh). */
  freshIds?: boolean;
  /** Lookup behind conditional references; without it they fail with 400. */
  match?: MatchResources;
}

const phase = { DELETE: 0, POST: 1, PUT: 2, PATCH: 2, GET: 3, HEAD: 3 } as const;

/** Throws a 400 naming the entry when two entries share a fullUrl or address the same resource. */
function checkDistinct(entries: readonly BundleEntryRequest[]): void {
  const fullUrls = new Set<string>();
  const targets = new Set<string>();
  for (const entry of entries) {
    if (entry.fullUrl !== undefined) {
      if (fullUrls.has(entry.fullUrl)) throw invalidAtEntry('Two entries share one fullUrl', entry.index);
      fullUrls.add(entry.fullUrl);
    }
    if (entry.method === 'POST' || entry.method === 'GET' || entry.method === 'HEAD') continue;
    const { type, id, criteria } = entry.target;
    const key = id === undefined ? `${type}?${criteria}` : `${type}/${id}`;
    if (targets.has(key))
      throw invalidAtEntry('Two entries change the same resource', entry.index, 'duplicate');
    targets.add(key);
  }
}

/**
 * Conditional creates run before plain ones (a matched one changes the identity others point at),
 * and among themselves after the conditional creates they reference; cycles keep bundle order.
 */
function conditionalCreateOrder(creates: readonly BundleEntryRequest[]): BundleEntryRequest[] {
  const byFullUrl = new Map(
    creates.flatMap((entry) => (entry.fullUrl ? [[entry.fullUrl, entry] as const] : [])),
  );
  const dependsOn = new Map<BundleEntryRequest, Set<BundleEntryRequest>>();
  for (const entry of creates) {
    const deps = new Set<BundleEntryRequest>();
    forEachReference(entry.resource, (reference) => {
      const target = byFullUrl.get(reference);
      if (target !== undefined && target !== entry) deps.add(target);
    });
    dependsOn.set(entry, deps);
  }
  const ordered: BundleEntryRequest[] = [];
  const pending = [...creates];
  while (pending.length > 0) {
    const ready = pending.findIndex((entry) =>
      [...dependsOn.get(entry)!].every((dep) => !pending.includes(dep)),
    );
    const [next] = pending.splice(ready === -1 ? 0 : ready, 1);
    ordered.push(next!);
  }
  return ordered;
}

export async function processTransaction(
  service: ResourceService,
  ctx: RequestContext,
  entries: ReadonlyArray<BundleEntryRequest | Problem>,
  options: TransactionOptions,
): Promise<EntryResult[]> {
  const parsed: BundleEntryRequest[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry instanceof Problem) throw problemAtEntry(entry, index);
    parsed.push(entry);
  }
  checkDistinct(parsed);

  // Identities known before anything runs: POST entries' new ids, PUT entries' own urls.
  const references = new Map<string, string>();
  const assignedIds = new Map<BundleEntryRequest, string>();
  for (const entry of parsed) {
    if (entry.method === 'POST') {
      const id = options.assignId(entry.target.type, entry.fullUrl);
      assignedIds.set(entry, id);
      if (entry.fullUrl !== undefined) references.set(entry.fullUrl, `${entry.target.type}/${id}`);
    } else if (entry.method === 'PUT' && entry.target.id !== undefined && entry.fullUrl !== undefined) {
      references.set(entry.fullUrl, `${entry.target.type}/${entry.target.id}`);
    }
  }

  const byPhase = (wanted: number) => parsed.filter((entry) => phase[entry.method] === wanted);
  const posts = byPhase(phase.POST);
  const order = [
    ...byPhase(phase.DELETE),
    ...conditionalCreateOrder(posts.filter((entry) => entry.ifNoneExist !== undefined)),
    ...posts.filter((entry) => entry.ifNoneExist === undefined),
    ...byPhase(phase.PUT),
    ...byPhase(phase.GET),
  ];

  return service.inTransaction(async (tx: Transaction) => {
    const results = new Array<EntryResult>(parsed.length);
    const touched = new Set<string>();
    for (const entry of order) {
      try {
        await resolveConditionalReferences(tx, ctx, entry.resource, options.match, references);
        const body = entry.resource === undefined ? undefined : rewriteReferences(entry.resource, references);
        const assignedId = assignedIds.get(entry);
        const result = await executeEntry(tx, service, ctx, {
          entry,
          ...(body === undefined ? {} : { body }),
          ...(assignedId === undefined ? {} : { assignedId, freshId: options.freshIds === true }),
        });
        if (result.kind === 'write') {
          const { resourceType, id } = result.result.resource;
          const identity = `${resourceType}/${id}`;
          // A matched conditional create (or a conditional update) names its resource only now:
          // the entry's fullUrl points at it for every entry still to run.
          if (entry.fullUrl !== undefined) references.set(entry.fullUrl, identity);
          if (touched.has(identity) && result.result.outcome !== 'matched')
            throw invalidAtEntry('Two entries change the same resource', entry.index, 'duplicate');
          touched.add(identity);
        } else if (result.kind === 'delete' && entry.target.id !== undefined) {
          touched.add(`${entry.target.type}/${entry.target.id}`);
        }
        results[entry.index] = result;
      } catch (error) {
        throw problemAtEntry(error, entry.index, entry.target.type);
      }
    }
    return results;
  });
}
