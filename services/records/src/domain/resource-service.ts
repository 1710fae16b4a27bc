// The records domain as the REST routes and the bundle processor see it: every FHIR interaction
// on one resource, run inside a database transaction the caller owns, so a transaction Bundle is
// simply many calls on one `tx`. Implementations validate, authorize, version, index and enqueue
// the `fhir.<Type>.<created|updated|deleted>` event in that same transaction.
import type { SqlExecutor, Transaction } from '@healthlane/store';

/** A resource as stored: its JSON text (with `meta` filled in) is returned as-is, never re-serialized. */
export interface StoredResource {
  resourceType: string;
  id: string;
  versionId: string;
  /** FHIR instant, as written in `meta.lastUpdated`. */
  lastUpdated: string;
  /** The full resource as JSON text, including `id` and `meta`. */
  json: string;
}

/** Who is asking and where from; the authorization hook (identity issue) reads it. */
export interface RequestContext {
  /** Absolute base of the FHIR endpoint, e.g. 'http://localhost:8080/fhir/R4' (for Location, fullUrl). */
  baseUrl: string;
  /** The authenticated principal, once identity exists; undefined means the platform's open dev mode. */
  principal?: unknown;
}

export interface WriteResult {
  /** created: new resource or version 1; updated: new version; matched: ifNoneExist found one; unchanged: no-op update. */
  outcome: 'created' | 'updated' | 'matched' | 'unchanged';
  resource: StoredResource;
}

export interface DeleteResult {
  /** deleted: a new deleted version was written; absent: nothing to delete (still a success per FHIR). */
  outcome: 'deleted' | 'absent';
  /** The version id of the deletion, when one was written. */
  versionId?: string;
}

export interface WriteOptions {
  /** Expected current version (from If-Match / Bundle entry request.ifMatch, already stripped of W/"..."). */
  ifMatch?: string;
}

export interface CreateOptions {
  /** Server-assigned id chosen by the caller (the bundle processor assigns ids for urn:uuid entries). */
  id?: string;
  /**
   * `id` was just minted at random by the platform (a random UUID): no resource can hold it, so the
   * create skips the lock and the existence check a caller-chosen id needs.
   */
  fresh?: boolean;
  /** If-None-Exist search criteria (query string without '?'). */
  ifNoneExist?: string;
}

export interface ResourceService {
  /** Runs `work` in one database transaction; enqueued events commit with it and are relayed after. */
  inTransaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;

  /** Throws Problem not-found (unknown) or gone (deleted). */
  read(db: SqlExecutor, ctx: RequestContext, type: string, id: string): Promise<StoredResource>;
  vread(
    db: SqlExecutor,
    ctx: RequestContext,
    type: string,
    id: string,
    versionId: string,
  ): Promise<StoredResource>;

  create(
    tx: Transaction,
    ctx: RequestContext,
    type: string,
    body: unknown,
    options?: CreateOptions,
  ): Promise<WriteResult>;
  /** Update, or update-as-create when the id does not exist yet. */
  update(
    tx: Transaction,
    ctx: RequestContext,
    type: string,
    id: string,
    body: unknown,
    options?: WriteOptions,
  ): Promise<WriteResult>;
  conditionalUpdate(
    tx: Transaction,
    ctx: RequestContext,
    type: string,
    criteria: string,
    body: unknown,
    options?: WriteOptions,
  ): Promise<WriteResult>;
  /** `patch` is a JSON Patch document (application/json-patch+json) or a FHIRPath Patch Parameters resource. */
  patch(
    tx: Transaction,
    ctx: RequestContext,
    type: string,
    id: string,
    patch: unknown,
    contentType: string,
    options?: WriteOptions,
  ): Promise<WriteResult>;
  /** If-Match (`options.ifMatch`) must name the current version, else 412 and nothing is written. */
  delete(
    tx: Transaction,
    ctx: RequestContext,
    type: string,
    id: string,
    options?: WriteOptions,
  ): Promise<DeleteResult>;
  conditionalDelete(
    tx: Transaction,
    ctx: RequestContext,
    type: string,
    criteria: string,
  ): Promise<DeleteResult>;
}
