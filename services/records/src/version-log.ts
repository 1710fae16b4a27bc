// Writing and reading versions: one version written with its index rows and its event, the current
// version read as a StoredResource (404 unknown, 410 deleted), and the If-Match rule.
import type { Outbox } from '@healthlane/bus';
import { type Clock, Problem } from '@healthlane/kit';
import type { SqlExecutor, Transaction } from '@healthlane/store';
import { formatETag } from './domain/etag.ts';
import { type JsonObject, stampVersion } from './domain/resource-body.ts';
import type { StoredResource } from './domain/resource-service.ts';
import { assertValid } from './domain/validation.ts';
import { type IndexRows, indexRowsOf } from './store/index-rows.ts';
import type { CurrentLookup } from './store/read-coalescer.ts';
import {
  type CurrentVersion,
  currentVersion,
  type WriteMethod,
  writeVersion,
} from './store/resource-store.ts';

export type ResourceEvent = 'created' | 'updated' | 'deleted';

export function storedFrom(
  type: string,
  id: string,
  versionId: number,
  lastUpdated: Date,
  json: string,
): StoredResource {
  return {
    resourceType: type,
    id,
    versionId: String(versionId),
    lastUpdated: lastUpdated.toISOString(),
    json,
  };
}

/** The current version; throws not-found (never existed) or gone (deleted, with its ETag). */
export async function readCurrent(
  db: SqlExecutor,
  type: string,
  id: string,
  lookup: CurrentLookup = (t, i) => currentVersion(db, t, i),
): Promise<StoredResource> {
  const current = await lookup(type, id);
  if (current === undefined) throw Problem.notFound('The resource was not found');
  if (current.deleted || current.json === null) {
    throw Problem.gone('The resource has been deleted', {
      headers: { etag: formatETag(String(current.versionId)) },
    });
  }
  return storedFrom(type, id, current.versionId, current.lastUpdated, current.json);
}

/** If-Match must name the current version; a missing resource fails it too (412). */
export function assertIfMatch(current: CurrentVersion | undefined, ifMatch: string | undefined): void {
  if (ifMatch === undefined) return;
  if (current === undefined || String(current.versionId) !== ifMatch) {
    throw Problem.preconditionFailed('If-Match does not name the current version of the resource');
  }
}

export interface VersionLog {
  /**
   * Writes version `versionId` of a locked resource (`resource` null = a deletion): stamped,
   * validated, serialized once, indexed, and its event enqueued — all on `tx`.
   */
  commit(
    tx: Transaction,
    type: string,
    id: string,
    versionId: number,
    method: WriteMethod,
    resource: JsonObject | null,
    event: ResourceEvent,
  ): Promise<StoredResource | undefined>;
}

/** A version just written, as the events that record it see it. */
export interface WrittenVersion {
  type: string;
  id: string;
  versionId: number;
  event: ResourceEvent;
  /** The stored resource; null for a deletion. */
  resource: JsonObject | null;
}

/**
 * Where a write's events go: `writeEventSql` (when present) returns the INSERTs that record them,
 * folded into the version-write statement (one round trip for data, index and events); otherwise
 * the `fhir.<Type>.<event>` event is enqueued with a statement of its own.
 */
export interface WriteEventSink extends Pick<Outbox, 'enqueue'> {
  writeEventSql?(write: WrittenVersion, params: unknown[]): string[];
}

export function createVersionLog(options: { outbox: WriteEventSink; clock: Clock }): VersionLog {
  const { outbox, clock } = options;
  return {
    async commit(tx, type, id, versionId, method, resource, event) {
      const lastUpdated = clock.now();
      let stored: StoredResource | undefined;
      let json: string | null = null;
      let index: IndexRows | null = null;
      let versioned: JsonObject | null = null;
      if (resource !== null) {
        const stamp = { id, versionId: String(versionId), lastUpdated: lastUpdated.toISOString() };
        versioned = stampVersion(resource, stamp);
        assertValid(versioned, type);
        json = JSON.stringify(versioned);
        index = indexRowsOf(versioned as JsonObject & { resourceType: string });
        stored = storedFrom(type, id, versionId, lastUpdated, json);
      }
      // Version, current row, search index and (with a sink that folds them in) the write's events
      // in one statement. A POST never finds an earlier resource (create refuses a taken id), so it
      // has no rows to replace.
      const version = { type, id, versionId, lastUpdated, method, json };
      const fresh = method === 'POST';
      const sink = outbox.writeEventSql?.bind(outbox);
      if (sink !== undefined) {
        const written: WrittenVersion = { type, id, versionId, event, resource: versioned };
        await writeVersion(tx, version, index, fresh, (params) => sink(written, params));
        return stored;
      }
      await writeVersion(tx, version, index, fresh);
      await outbox.enqueue(tx, `fhir.${type}.${event}`, {
        resourceType: type,
        id,
        versionId: String(versionId),
      });
      return stored;
    },
  };
}
