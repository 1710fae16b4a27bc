// Runs one parsed Bundle entry as the matching ResourceService interaction on the caller's
// transaction, the same interaction the REST route for that method and url would run.
import { Problem } from '@healthlane/kit';
import type { Transaction } from '@healthlane/store';
import type {
  DeleteResult,
  RequestContext,
  ResourceService,
  StoredResource,
  WriteResult,
} from '../domain/resource-service.ts';
import { type BundleEntryRequest, isRecord } from './bundle-request.ts';

/** Chooses the id of a created resource; deterministic in the demo loader, random elsewhere. */
export type AssignId = (type: string, fullUrl: string | undefined) => string;

export type EntryResult =
  | { kind: 'write'; result: WriteResult }
  | { kind: 'delete'; result: DeleteResult }
  | { kind: 'read'; resource: StoredResource; head: boolean };

export interface EntryWork {
  entry: BundleEntryRequest;
  /** The resource to send, references already rewritten. */
  body?: Record<string, unknown>;
  /** The id the server assigns to a POST entry. */
  assignedId?: string;
  /** `assignedId` is a freshly minted random id (see CreateOptions.fresh). */
  freshId?: boolean;
}

function notSupported(message: string): Problem {
  return Problem.invalid(message, {
    issues: [{ severity: 'error', code: 'not-supported', diagnostics: message }],
  });
}

/** A PATCH entry carries a Binary (JSON Patch, base64) or a Parameters resource (FHIRPath Patch). */
function patchDocument(resource: Record<string, unknown>): { patch: unknown; contentType: string } {
  if (resource.resourceType === 'Parameters')
    return { patch: resource, contentType: 'application/fhir+json' };
  if (
    resource.resourceType === 'Binary' &&
    typeof resource.data === 'string' &&
    typeof resource.contentType === 'string' &&
    resource.contentType.startsWith('application/json-patch+json')
  ) {
    try {
      return {
        patch: JSON.parse(Buffer.from(resource.data, 'base64').toString('utf8')),
        contentType: 'application/json-patch+json',
      };
    } catch {
      throw Problem.invalid('The Binary of a PATCH entry does not hold a JSON Patch document');
    }
  }
  throw notSupported('A PATCH entry needs a Parameters resource or a Binary holding a JSON Patch');
}

export async function executeEntry(
  tx: Transaction,
  service: ResourceService,
  ctx: RequestContext,
  work: EntryWork,
): Promise<EntryResult> {
  const { entry, body } = work;
  const { type, id, versionId, criteria } = entry.target;
  const ifMatch = entry.ifMatch === undefined ? {} : { ifMatch: entry.ifMatch };
  switch (entry.method) {
    case 'GET':
    case 'HEAD': {
      if (id === undefined) throw notSupported('Searches are not supported inside a Bundle');
      const resource =
        versionId === undefined
          ? await service.read(tx, ctx, type, id)
          : await service.vread(tx, ctx, type, id, versionId);
      return { kind: 'read', resource, head: entry.method === 'HEAD' };
    }
    case 'POST': {
      const options = {
        ...(work.assignedId === undefined ? {} : { id: work.assignedId, fresh: work.freshId === true }),
        ...(entry.ifNoneExist === undefined ? {} : { ifNoneExist: entry.ifNoneExist }),
      };
      return { kind: 'write', result: await service.create(tx, ctx, type, body, options) };
    }
    case 'PUT': {
      const result =
        id === undefined
          ? await service.conditionalUpdate(tx, ctx, type, criteria ?? '', body, ifMatch)
          : await service.update(tx, ctx, type, id, body, ifMatch);
      return { kind: 'write', result };
    }
    case 'PATCH': {
      if (id === undefined) throw notSupported('Conditional patch is not supported inside a Bundle');
      const { patch, contentType } = patchDocument(isRecord(body) ? body : {});
      return { kind: 'write', result: await service.patch(tx, ctx, type, id, patch, contentType, ifMatch) };
    }
    case 'DELETE': {
      const result =
        id === undefined
          ? await service.conditionalDelete(tx, ctx, type, criteria ?? '')
          : await service.delete(tx, ctx, type, id, ifMatch);
      return { kind: 'delete', result };
    }
  }
}
